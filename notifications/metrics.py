"""/metrics for Prometheus: the outbox's queue depth, the oldest due message's age, sent and failed in the
last minute, how long ago beat's sweep ran and how many published versions wait for their messages, computed
from the tables at each scrape (so every web process answers the same, with no state of its own). Reached
with the METRICS_TOKEN bearer token only (visits.access.may_read_metrics); without it, as if there were no
such page."""

from collections.abc import Iterator

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from notifications.health import outbox_figures
from visits.access import may_read_metrics

NOT_YET = float("nan")  # an age with nothing to measure: no message waiting, or a sweep that never ran


class OutboxCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        figures = outbox_figures()
        by_status = GaugeMetricFamily(
            "visitplan_outbox_messages", "Outgoing messages in the outbox, by status.", labels=["status"]
        )
        for status, count in figures.by_status.items():
            by_status.add_metric([status], count)
        yield by_status
        yield GaugeMetricFamily(
            "visitplan_outbox_queue_depth", "Queued messages that are due now.", value=figures.queue_depth
        )
        yield GaugeMetricFamily(
            "visitplan_outbox_oldest_due_age_seconds",
            "How long the longest-waiting due message has waited (NaN: none waiting).",
            value=NOT_YET if figures.oldest_due_age is None else figures.oldest_due_age,
        )
        yield GaugeMetricFamily(
            "visitplan_outbox_sent_last_minute",
            "Messages sent in the last minute.",
            value=figures.sent_last_minute,
        )
        yield GaugeMetricFamily(
            "visitplan_outbox_failed_last_minute",
            "Messages that failed for good in the last minute.",
            value=figures.failed_last_minute,
        )
        yield GaugeMetricFamily(
            "visitplan_outbox_sweep_age_seconds",
            "Seconds since beat's outbox sweep last ran (NaN: never).",
            value=NOT_YET if figures.sweep_age is None else figures.sweep_age,
        )
        yield GaugeMetricFamily(
            "visitplan_versions_pending",
            "Published versions whose messages are not written yet (the outbox sweep writes them).",
            value=figures.versions_pending,
        )


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not may_read_metrics(request):
        raise Http404
    registry = CollectorRegistry(auto_describe=False)
    registry.register(OutboxCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
