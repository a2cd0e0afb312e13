"""Reference data stored in the ledger at init: roster, units, categories, reception points."""

from __future__ import annotations

from functools import cached_property

from xinfang.model import Township
from xinfang.parse import closest


class Reference:
    """Names a clerk may type, read once per command."""

    def __init__(self, ledger):
        self.ledger = ledger

    @cached_property
    def townships(self) -> list[Township]:
        rows = self.ledger.conn.execute("SELECT name, area, population FROM townships ORDER BY ord")
        return [Township(*r) for r in rows]

    @cached_property
    def township_names(self) -> list[str]:
        return [t.name for t in self.townships]

    @cached_property
    def units(self) -> list[str]:
        return [r["name"] for r in self.ledger.rows("SELECT name FROM units ORDER BY name")]

    @cached_property
    def categories(self) -> dict[str, dict]:
        return {r["key"]: r for r in self.ledger.rows("SELECT key, zh, en FROM categories")}

    @cached_property
    def points(self) -> dict[str, dict]:
        return {r["point"]: r for r in self.ledger.rows("SELECT * FROM points")}

    def township(self, text: str, option: str = "--township") -> str:
        return closest(text, self.township_names, option, "townships")

    def unit(self, text: str, option: str = "--unit") -> str:
        """A responsible unit is a township on the roster or a department in data/units.csv."""
        return closest(text, self.township_names + self.units, option, "units")

    def accused(self, text: str, option: str = "--accused"):
        """Whom an accusation accuses (``xinfang.ledger.protection.AccusedMatch``): a unit (township
        or department, by its name, short name or 政府 / 人民政府 form) when the name is one, else an
        official or a leader recorded on a case, else a person's name as given (normalised)."""
        from xinfang.ledger.protection import protection
        from xinfang.parse import parse_text

        return protection(self.ledger).match(parse_text(text, option, 50))

    def category(self, text: str, option: str = "--category") -> str:
        value = (text or "").strip()
        for key, row in self.categories.items():
            if value.lower() in (key, row["zh"], row["en"].lower()):
                return key
        from xinfang.errors import Refusal
        from xinfang.messages import Words

        valid = tuple(Words(f"{k}（{r['zh']}）", f"{k} ({r['zh']})") for k, r in self.categories.items())
        raise Refusal("parse.unknown_category", option, value=repr(value), valid=valid)

    def category_label(self, key: str, lang: str) -> str:
        row = self.categories.get(key)
        return (row["zh"] if lang == "zh" else row["en"]) if row else key

    def point(self, text: str, option: str = "--point") -> str:
        names = list(self.points)
        value = (text or "").strip().removesuffix("镇").removesuffix("接待点")
        if value in names:
            return value
        from xinfang.errors import Refusal

        raise Refusal("parse.unknown_point", option, value=repr(text), valid=tuple(names))


def load_reference_data(ledger, townships: list[Township]) -> None:
    """Fill the reference tables of a new ledger from data/ (inside the init transaction)."""
    from xinfang.policy import read_csv_data

    ledger.conn.executemany(
        "INSERT INTO townships (name, area, population, ord) VALUES (?, ?, ?, ?)",
        [(t.name, t.area, t.population, i) for i, t in enumerate(townships)],
    )
    ledger.conn.executemany("INSERT INTO units (name, kind) VALUES (:unit, :kind)", read_csv_data("units.csv"))
    ledger.conn.executemany("INSERT INTO categories (key, zh, en) VALUES (:key, :zh, :en)",
                            read_csv_data("categories.csv"))
    ledger.conn.executemany(
        "INSERT INTO points (point, area, township, weekdays) VALUES (:point, :area, :township, :weekdays)",
        [p for p in read_csv_data("points.csv") if p["township"] in {t.name for t in townships}],
    )
