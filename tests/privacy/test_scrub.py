"""The pure part of erasure: whole values replaced wherever they stand, in any case, in text and in JSON."""

import json

from privacy.scrub import PLACEHOLDER, scrub_json, scrub_text, values_worth_scrubbing

VALUES = ["Ilze Kalniņa", "ilze.kalnina@police.example.lv", ""]


def test_a_value_is_replaced_in_any_case_and_the_rest_of_the_text_stays():
    text = "ILZE KALNIŅA leads; write to Ilze.Kalnina@police.example.lv. Ilze alone stays."
    assert scrub_text(text, VALUES) == f"{PLACEHOLDER} leads; write to {PLACEHOLDER}. Ilze alone stays."


def test_json_is_scrubbed_in_keys_and_values_at_any_depth():
    data = {"Ilze Kalniņa": [{"note": "ask ilze kalniņa"}], "count": 3}
    assert scrub_json(data, VALUES) == {PLACEHOLDER: [{"note": f"ask {PLACEHOLDER}"}], "count": 3}


def test_json_kept_as_text_with_escaped_letters_is_scrubbed_too():
    text = json.dumps([{"added": {"object": "Ilze Kalniņa (Head)"}}])
    assert "Kalni\\u0146a" in text
    assert scrub_text(text, VALUES) == json.dumps([{"added": {"object": f"{PLACEHOLDER} (Head)"}}])


def test_values_too_short_to_find_safely_are_left_alone():
    assert values_worth_scrubbing(["", "Eva", " Anna ", "Eva Norrman"]) == ["Eva Norrman", "Anna"]
    assert values_worth_scrubbing(["Li"]) == []
