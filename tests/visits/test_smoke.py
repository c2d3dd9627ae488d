from tests.factories import SessionFactory


def test_a_session_can_be_saved(db):
    session = SessionFactory()
    assert session.pk
