# shellcheck shell=bash
# Gemeinsame Helfer für scripts/run und scripts/test (wird per `source` geladen).
#
# Nach `ozg_bootstrap [uv-sync-Optionen …]` gilt:
#   OZG_ROOT    Wurzel des Repositories (aktuelles Verzeichnis ist dorthin gewechselt)
#   OZG_PYTHON  gefundener Interpreter >= 3.12 (Basis der venv)
#   OZG_UV      Pfad zu uv
#   OZG_VENV    Projekt-venv (UV_PROJECT_ENVIRONMENT, Standard .venv)
#   OZG_VPY     Python der Projekt-venv
#
# Einstellbar über die Umgebung:
#   PYTHON                   expliziter Interpreter (muss >= 3.12 sein)
#   UV_PROJECT_ENVIRONMENT   Ort der Projekt-venv (Standard: <repo>/.venv)

OZG_UV_VERSION="0.13.9"
OZG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

ozg_log() { printf '%s\n' "$*" >&2; }
ozg_die() {
    printf 'FEHLER: %s\n' "$*" >&2
    exit 1
}
ozg_section() { printf '\n==== %s ====\n' "$*"; }

# Liefert 0, wenn "$1" ein lauffähiger Python-Interpreter >= 3.12 ist.
# (pyenv-Shims wie python3.13 existieren oft, brechen aber mit Fehler ab –
# deshalb wird jeder Kandidat wirklich ausgeführt.)
_ozg_python_ok() {
    [ -n "$1" ] || return 1
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

# Sucht einen Interpreter >= 3.12 und setzt OZG_PYTHON (absoluter Pfad).
ozg_find_python() {
    local cand resolved
    if [ -n "${PYTHON:-}" ]; then
        _ozg_python_ok "$PYTHON" ||
            ozg_die "PYTHON=$PYTHON ist kein lauffähiger Python-Interpreter >= 3.12."
        OZG_PYTHON="$("$PYTHON" -c 'import sys; print(sys.executable)')"
        return 0
    fi
    local -a cands=(python3.13 python3.12 python3)
    # Neueste Version zuerst (sort -V absteigend).
    local -a globbed=()
    mapfile -t globbed < <(
        {
            ls -d /root/.pyenv/versions/3.13*/bin/python 2>/dev/null
            ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python 2>/dev/null
        } | sort -rV
    )
    local -a sysbins=()
    mapfile -t sysbins < <(ls -d /usr/bin/python3.1[2-9] /usr/local/bin/python3.1[2-9] 2>/dev/null | sort -rV)
    cands+=("${globbed[@]}" "${sysbins[@]}")
    for cand in "${cands[@]}"; do
        [ -n "$cand" ] || continue
        if [[ "$cand" != /* ]]; then
            command -v "$cand" >/dev/null 2>&1 || continue
        fi
        if _ozg_python_ok "$cand"; then
            resolved="$("$cand" -c 'import sys; print(sys.executable)' 2>/dev/null)" || continue
            [ -n "$resolved" ] || continue
            OZG_PYTHON="$resolved"
            return 0
        fi
    done
    ozg_die "Kein Python >= 3.12 gefunden (geprüft: \$PYTHON, python3.13, python3.12, python3,
  /root/.pyenv/versions/3.13*, ~/.pyenv/versions/3.1[2-9]*, /usr/bin/python3.1[2-9]).
  Installieren Sie Python 3.12 oder 3.13 oder setzen Sie PYTHON=/pfad/zu/python3.13."
}

# Stellt uv bereit und setzt OZG_UV: uv aus dem PATH, sonst eine eigene
# Werkzeug-venv unter .tools/uv (einmalig per pip installiert).
ozg_ensure_uv() {
    if command -v uv >/dev/null 2>&1; then
        OZG_UV="$(command -v uv)"
        return 0
    fi
    local tooldir="$OZG_ROOT/.tools/uv"
    local uvbin="$tooldir/bin/uv"
    if [ -x "$uvbin" ] && [ "$("$uvbin" --version 2>/dev/null | awk '{print $2}')" = "$OZG_UV_VERSION" ]; then
        OZG_UV="$uvbin"
        return 0
    fi
    ozg_log "uv nicht gefunden – installiere uv==$OZG_UV_VERSION nach .tools/uv …"
    rm -rf "$tooldir"
    "$OZG_PYTHON" -m venv "$tooldir" || ozg_die "Konnte venv $tooldir nicht anlegen."
    "$tooldir/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$OZG_UV_VERSION" ||
        ozg_die "pip install uv==$OZG_UV_VERSION ist fehlgeschlagen (PyPI erreichbar?)."
    [ -x "$uvbin" ] || ozg_die "uv wurde installiert, aber $uvbin fehlt."
    OZG_UV="$uvbin"
}

# ozg_bootstrap [zusätzliche Optionen für `uv sync`]
ozg_bootstrap() {
    cd "$OZG_ROOT" || ozg_die "Kann nicht nach $OZG_ROOT wechseln."
    ozg_find_python
    ozg_ensure_uv
    export UV_PROJECT_ENVIRONMENT="${UV_PROJECT_ENVIRONMENT:-$OZG_ROOT/.venv}"
    export UV_PYTHON="$OZG_PYTHON"
    export UV_PYTHON_DOWNLOADS=never
    OZG_VENV="$UV_PROJECT_ENVIRONMENT"
    # Eine fremde, aktivierte venv soll uv nicht irritieren.
    unset VIRTUAL_ENV
    ozg_log "Python: $OZG_PYTHON ($("$OZG_PYTHON" -c 'import platform; print(platform.python_version())'))"
    ozg_log "uv:     $OZG_UV ($("$OZG_UV" --version 2>/dev/null))"
    "$OZG_UV" sync --frozen --quiet "$@" ||
        ozg_die "uv sync --frozen $* ist fehlgeschlagen (uv.lock aktuell? PyPI erreichbar?)."
    OZG_VPY="$OZG_VENV/bin/python"
    [ -x "$OZG_VPY" ] || ozg_die "$OZG_VPY fehlt nach uv sync."
    export VIRTUAL_ENV="$OZG_VENV"
    export PATH="$OZG_VENV/bin:$PATH"
}
