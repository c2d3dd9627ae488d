"""Log lines never carry the secret of a personal link.

A token in `/a/<token>/`, `/p/<token>/...`, `/s/<token>/` or `/feeds/[visit/]<token>.ics` is the key to a
person's programme, feed, answer or survey page. Django writes request paths into its logs (django.request's
"Not Found: <path>" and "Method Not Allowed", django.server's request line, the "Internal Server Error" of a
failing view, with its traceback), so every handler of config.settings.LOGGING carries this filter: it masks
those segments in the message, its arguments and the formatted traceback of every record that reaches a
handler, at any level.
"""

import logging
import re

MASK = "[token]"
# A path segment after /a/ or /p/, or the name of a feed (before .ics), wherever it stands in the line: a
# path, a request line or a whole URL. Other paths (/admin/, /api/, /plan/) do not match.
TOKEN_IN_PATH = re.compile(r"(/(?:a|p|s)/|/feeds/(?:visit/)?)[^/\s\"'?#]+?(?=\.ics\b|[/\s\"'?#]|$)")


def mask_tokens(text: str) -> str:
    return TOKEN_IN_PATH.sub(lambda match: match.group(1) + MASK, text)


class MaskTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_tokens(record.exc_text)
        return True
