"""Erasure scrubs a person's name from the titles and descriptions in other languages too, not only from the
base texts (privacy.redactors, visits.wording)."""

import time_machine

from privacy.services import person_erase
from tests.privacy.conftest import NAME
from tests.privacy.test_pages import AFTER_THE_VISIT
from visits.models import Session, Visit


def test_the_translations_of_a_visits_texts_are_scrubbed(past):
    Session.objects.filter(pk=past.session.pk).update(
        title_translations={"lv": f"Tikšanās ar {NAME}"},
        description_translations={"sv": f"{NAME} presenterar den lettiska modellen.", "lv": "Bez vārda"},
    )
    Visit.objects.filter(pk=past.visit.pk).update(title_translations={"sv": f"{NAME}s grupp"})
    with time_machine.travel(AFTER_THE_VISIT, tick=False):
        person_erase(person=past.ilze, actor=past.coordinator)
    session = Session.objects.get(pk=past.session.pk)
    visit = Visit.objects.get(pk=past.visit.pk)
    texts = [*session.title_translations.values(), *session.description_translations.values()]
    texts += list(visit.title_translations.values())
    assert texts and not any(NAME in text for text in texts)
    assert session.description_translations["lv"] == "Bez vārda"  # what names nobody stays
    assert session.title_translations["lv"].startswith("Tikšanās ar ")
