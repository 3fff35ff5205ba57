"""Expands a Grafana dashboard's SQL the way Grafana's PostgreSQL data source does, so the shipped
dashboard (dashboards/benchstore.json) can be run against a real database without Grafana.

Covered: template variables (`$name`, `${name}`, `${name:sqlstring}`, `${name:raw}`; a multi-value or
"All" selection is the list of values), and the data source's macros `$__timeFilter(col)`,
`$__timeFrom()`, `$__timeTo()`, `$__timeGroup(col, interval)`, `$__timeGroupAlias(col, interval)`,
`$__interval` and `$__interval_ms` (Grafana's PostgreSQL macro engine, pkg/tsdb/grafana-postgresql-datasource
macros.go: timeFilter is `col BETWEEN 'from' AND 'to'` in RFC 3339, timeGroup is
`floor(extract(epoch from col)/N)*N`).
"""
import datetime
import re

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def interval_seconds(text):
    m = re.fullmatch(r"\s*'?(\d+)(ms|s|m|h|d|w)'?\s*", text)
    if not m:
        raise ValueError(f"not a Grafana interval: {text!r}")
    return int(m.group(1)) * _UNITS[m.group(2)]


def _quote(value):
    return "'" + str(value).replace("'", "''") + "'"


def _rfc3339(t):
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def expand_variables(sql, variables):
    """variables: name -> a string or a list of strings (multi-value / All)."""
    def replace(m):
        name = m.group("braced") or m.group("plain")
        fmt = m.group("format")
        if name.startswith("__"):
            return m.group(0)  # a macro or a global variable, expanded later
        if name not in variables:
            raise KeyError(f"template variable {name!r} has no value")
        value = variables[name]
        values = value if isinstance(value, list) else [value]
        if fmt == "sqlstring" or (fmt is None and isinstance(value, list)):
            return ",".join(_quote(v) for v in values)
        if fmt in (None, "raw"):
            return ",".join(str(v) for v in values)
        raise ValueError(f"format {fmt!r} of ${{{name}}} is not supported here")
    return re.sub(r"\$\{(?P<braced>\w+)(?::(?P<format>\w+))?\}|\$(?P<plain>\w+)", replace, sql)


def expand_macros(sql, time_from, time_to, interval="1m"):
    sql = sql.replace("$__interval_ms", str(int(interval_seconds(interval) * 1000)))
    sql = sql.replace("$__interval", interval)

    def args(text):
        return [a.strip() for a in text.split(",")]

    def group(m, alias):
        column, step = args(m.group(1))[:2]
        seconds = interval_seconds(step)
        out = f"floor(extract(epoch from {column})/{seconds:g})*{seconds:g}"
        return out + (' AS "time"' if alias else "")

    sql = re.sub(r"\$__timeGroupAlias\(([^)]*)\)", lambda m: group(m, True), sql)
    sql = re.sub(r"\$__timeGroup\(([^)]*)\)", lambda m: group(m, False), sql)
    sql = re.sub(r"\$__timeFilter\(([^)]*)\)",
                 lambda m: f"{m.group(1).strip()} BETWEEN '{_rfc3339(time_from)}' AND '{_rfc3339(time_to)}'", sql)
    sql = sql.replace("$__timeFrom()", f"'{_rfc3339(time_from)}'").replace("$__timeTo()", f"'{_rfc3339(time_to)}'")
    if "$__" in sql:
        raise ValueError(f"a Grafana macro this expander does not know: {sql[sql.index('$__'):][:40]}")
    return sql


def expand(sql, variables, time_from, time_to, interval="1m"):
    return expand_macros(expand_variables(sql, variables), time_from, time_to, interval)
