"""Four-way API tests for one resource (NetBox ``APIViewTestCases``).

Subclass :class:`ApiViewTests` in a pytest module (class name ``Test…``), set
``basename`` and implement the hooks; every test named here then runs for the resource:

* anonymous — reads public data (or gets 401 for a non-public resource), every write
  is a 401 and changes nothing;
* authenticated without permission — a write on a visible object is a 403, on an
  invisible one a 404, and changes nothing;
* with permission — the write succeeds, the database changes, and the history row
  names the API user;
* permission on one object only — the same write on another (visible) object is a 403;
* methods the resource does not offer are a 405.

Tests whose hook a resource does not implement are not collected (a read-only resource
has no write tests, only the 405 check).
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.db import models
from django.urls import reverse
from rest_framework.test import APIClient

from ozgplattform.testing import factories as f


def api(user=None, token=None) -> APIClient:
    """An API client, authenticated as ``user`` when given (tokens: the konto tests)."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user, token=token)
    return client


def liste_url(basename: str) -> str:
    return reverse(f"api:{basename}-list")


def detail_url(basename: str, pk) -> str:
    return reverse(f"api:{basename}-detail", args=[pk])


def mit_rolle(rolle: str, **bereich):
    """A new user holding ``rolle`` for the given scope (guardian grants synced)."""
    from ozgplattform.services import rollenzuweisung_anlegen

    person = f.UserFactory()
    rollenzuweisung_anlegen(benutzer=person, rolle=rolle, **bereich)
    return person


def letzter_verlauf(obj: models.Model):
    return type(obj).history.filter(id=obj.pk).order_by("-history_id").first()


def verlaufszahl(model: type[models.Model]) -> int:
    return model.history.count()


def _widerspruch(grund: str) -> None:
    """Tests that don't apply are removed in ``__init_subclass__``; reaching one is a bug
    in the resource's test class, so it fails instead of being skipped."""
    pytest.fail(f"Testklasse widersprüchlich, dieser Test hätte nicht laufen dürfen: {grund}")


class ApiViewTests:
    basename: ClassVar[str]
    model: ClassVar[type[models.Model]]
    #: Anonymous visitors may read the resource (else 401).
    oeffentlich: ClassVar[bool] = True
    #: Methods (lower case) the resource does not offer: 405.
    nicht_angeboten: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs):
        """Collect only the tests whose hooks the resource implements."""
        super().__init_subclass__(**kwargs)

        def hat(hook: str) -> bool:
            return getattr(cls, hook) is not getattr(ApiViewTests, hook)

        schreibt = hat("neu") or hat("aenderung") or cls.loeschbar
        bedingungen = {
            "test_anonym_schreibt_nicht": schreibt,
            "test_ohne_recht": schreibt,
            "test_mit_recht_aendern": hat("aenderung"),
            "test_mit_recht_anlegen": hat("neu"),
            "test_mit_recht_loeschen": cls.loeschbar,
            "test_recht_nur_auf_einem": hat("nur_fuer") and hat("aenderung"),
            "test_bereichsrolle_genuegt_nicht": hat("bereichsrolle"),
            "test_anlegen_ausserhalb_des_bereichs": hat("neu_ausserhalb"),
            "test_nicht_angeboten": bool(cls.nicht_angeboten),
        }
        for test, gilt in bedingungen.items():
            if not gilt:
                setattr(cls, test, None)  # not collected by pytest

    # --- hooks ------------------------------------------------------------------------

    def objekt(self) -> models.Model:
        """An object anonymous visitors can see (when ``oeffentlich``)."""
        pytest.fail(f"{type(self).__name__} muss objekt() definieren.", pytrace=False)

    def aenderung(self, obj) -> dict[str, Any] | None:
        """PATCH body for ``obj``; None if the resource cannot be changed."""
        return None

    def pruefe_aenderung(self, obj) -> None:
        """Assert the PATCH reached the database (``obj`` is freshly loaded)."""
        pytest.fail(
            f"{type(self).__name__} ändert per PATCH, muss also pruefe_aenderung() definieren.",
            pytrace=False,
        )

    def berechtigter(self, obj) -> Any:
        """A user who may change ``obj`` (with the narrowest role that allows it)."""
        return f.ProgrammmanagementFactory()

    def neu(self) -> dict[str, Any] | None:
        """POST body; None if the resource cannot be created through the API."""
        return None

    def anleger(self, daten: dict[str, Any]) -> Any:
        """A user who may create ``daten``."""
        return f.ProgrammmanagementFactory()

    def pruefe_neu(self, obj, daten: dict[str, Any]) -> None:
        """Assert the created object carries the POSTed data."""

    loeschbar: ClassVar[bool] = False

    def nur_fuer(self, obj) -> tuple[Any, models.Model] | None:
        """A user permitted on ``obj`` only, and another visible object of the same kind
        they may not change. None for resources only a global role writes."""
        return None

    def bereichsrolle(self, obj) -> Any | None:
        """For resources only a global role writes: a user with a scoped role close to
        ``obj`` who must still get a 403."""
        return None

    def neu_ausserhalb(self) -> tuple[Any, dict[str, Any]] | None:
        """A user with a scoped right to create, and a POST body outside their scope."""
        return None

    # --- helpers ----------------------------------------------------------------------

    def _schreibversuche(self, obj) -> list[tuple[str, str, dict | None]]:
        versuche = []
        daten = self.neu()
        if daten is not None:
            versuche.append(("post", liste_url(self.basename), daten))
        aenderung = self.aenderung(obj)
        if aenderung is not None:
            versuche.append(("patch", detail_url(self.basename, obj.pk), aenderung))
        if self.loeschbar:
            versuche.append(("delete", detail_url(self.basename, obj.pk), None))
        return versuche

    # --- anonymous --------------------------------------------------------------------

    def test_anonym_liest(self):
        obj = self.objekt()
        liste = api().get(liste_url(self.basename), format="json")
        detail = api().get(detail_url(self.basename, obj.pk), format="json")
        if self.oeffentlich:
            assert liste.status_code == 200, liste.content
            assert obj.pk in [zeile["id"] for zeile in liste.json()["results"]]
            assert detail.status_code == 200, detail.content
            assert detail.json()["id"] == obj.pk
        else:
            assert liste.status_code == 401, liste.content
            assert detail.status_code == 401, detail.content

    def test_anonym_schreibt_nicht(self):
        obj = self.objekt()
        versuche = self._schreibversuche(obj)
        if not versuche:
            _widerspruch("Ressource ist nur lesbar (405 prüft test_nicht_angeboten).")
        vorher = verlaufszahl(self.model)
        for methode, url, daten in versuche:
            antwort = getattr(api(), methode)(url, daten, format="json")
            assert antwort.status_code == 401, (methode, antwort.content)
            assert "detail" in antwort.json()
        assert verlaufszahl(self.model) == vorher

    # --- authenticated without permission ---------------------------------------------

    def test_ohne_recht(self):
        obj = self.objekt()
        versuche = self._schreibversuche(obj)
        if not versuche:
            _widerspruch("Ressource ist nur lesbar (405 prüft test_nicht_angeboten).")
        person = f.UserFactory()
        vorher = verlaufszahl(self.model)
        for methode, url, daten in versuche:
            antwort = getattr(api(person), methode)(url, daten, format="json")
            # Creating: no object to hide → 403. An existing object: 403 when visible,
            # 404 when not (a non-public resource).
            erwartet = 403 if methode == "post" or self.oeffentlich else 404
            assert antwort.status_code == erwartet, (methode, antwort.content)
            if erwartet == 403:
                assert antwort.json()["detail"].startswith("Keine Berechtigung"), antwort.json()
        assert verlaufszahl(self.model) == vorher

    # --- with permission --------------------------------------------------------------

    def test_mit_recht_aendern(self):
        obj = self.objekt()
        aenderung = self.aenderung(obj)
        if aenderung is None:
            _widerspruch("Ressource bietet kein PATCH.")
        person = self.berechtigter(obj)
        antwort = api(person).patch(detail_url(self.basename, obj.pk), aenderung, format="json")
        assert antwort.status_code == 200, antwort.content
        assert antwort.json()["id"] == obj.pk
        obj = self.model.objects.get(pk=obj.pk)
        self.pruefe_aenderung(obj)
        verlauf = letzter_verlauf(obj)
        assert verlauf.history_type == "~"
        assert verlauf.history_user_id == person.pk

    def test_mit_recht_anlegen(self):
        daten = self.neu()
        if daten is None:
            _widerspruch("Ressource bietet kein POST.")
        person = self.anleger(daten)
        antwort = api(person).post(liste_url(self.basename), daten, format="json")
        assert antwort.status_code == 201, antwort.content
        obj = self.model.objects.get(pk=antwort.json()["id"])
        assert antwort["Location"].endswith(detail_url(self.basename, obj.pk))
        self.pruefe_neu(obj, daten)
        # "+" and, with M2M values, a "~" for setting them: all by the API user.
        verlauf = list(type(obj).history.filter(id=obj.pk).order_by("history_id"))
        assert verlauf[0].history_type == "+"
        assert {v.history_user_id for v in verlauf} == {person.pk}

    def test_mit_recht_loeschen(self):
        if not self.loeschbar:
            _widerspruch("Ressource bietet kein DELETE.")
        obj = self.objekt()
        person = self.berechtigter(obj)
        antwort = api(person).delete(detail_url(self.basename, obj.pk), format="json")
        assert antwort.status_code == 204, antwort.content
        assert not self.model.objects.filter(pk=obj.pk).exists()
        verlauf = self.model.history.filter(id=obj.pk).order_by("-history_id").first()
        assert verlauf.history_type == "-"
        assert verlauf.history_user_id == person.pk

    # --- permission on one object only ------------------------------------------------

    def test_recht_nur_auf_einem(self):
        obj = self.objekt()
        fall = self.nur_fuer(obj)
        if fall is None or self.aenderung(obj) is None:
            _widerspruch("Nur eine programmweite Rolle schreibt (siehe test_bereichsrolle).")
        person, fremd = fall
        vorher = verlaufszahl(self.model)
        antwort = api(person).patch(
            detail_url(self.basename, fremd.pk), self.aenderung(fremd), format="json"
        )
        assert antwort.status_code == 403, antwort.content
        assert verlaufszahl(self.model) == vorher
        eigen = api(person).patch(
            detail_url(self.basename, obj.pk), self.aenderung(obj), format="json"
        )
        assert eigen.status_code == 200, eigen.content

    def test_bereichsrolle_genuegt_nicht(self):
        obj = self.objekt()
        person = self.bereichsrolle(obj)
        if person is None:
            _widerspruch("Ressource hat Bereichsrechte (siehe test_recht_nur_auf_einem).")
        vorher = verlaufszahl(self.model)
        for methode, url, daten in self._schreibversuche(obj):
            antwort = getattr(api(person), methode)(url, daten, format="json")
            assert antwort.status_code == 403, (methode, antwort.content)
        assert verlaufszahl(self.model) == vorher

    def test_anlegen_ausserhalb_des_bereichs(self):
        fall = self.neu_ausserhalb()
        if fall is None:
            _widerspruch("Anlegen nur programmweit oder nicht angeboten.")
        person, daten = fall
        vorher = verlaufszahl(self.model)
        antwort = api(person).post(liste_url(self.basename), daten, format="json")
        assert antwort.status_code == 403, antwort.content
        assert verlaufszahl(self.model) == vorher

    # --- methods not offered ----------------------------------------------------------

    def test_nicht_angeboten(self):
        if not self.nicht_angeboten:
            _widerspruch("Alle Methoden angeboten.")
        obj = self.objekt()
        person = f.ProgrammmanagementFactory()
        for methode in self.nicht_angeboten:
            url = (
                liste_url(self.basename) if methode == "post" else detail_url(self.basename, obj.pk)
            )
            antwort = getattr(api(person), methode)(url, {}, format="json")
            assert antwort.status_code == 405, (methode, antwort.content)
