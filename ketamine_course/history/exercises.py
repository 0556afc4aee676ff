"""The checkers of lesson 1's code exercises (the history timeline)."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from ketamine_course.core.feedback import Answer, Feedback, Mistake, check_numbers, register

if TYPE_CHECKING:  # check() imports every lesson's checkers; pandas waits until one needs it
    import pandas as pd


@cache
def _timeline() -> pd.DataFrame:
    from .model import load_timeline

    return load_timeline()


@register("history-gaps")
def _history_gaps(synthesis_to_trial_years, nmda_to_trial_years) -> Feedback:
    year = _timeline().set_index("label")["year"]
    trial = year["First placebo-controlled trial"]
    approval = year["FDA approves ketamine"]
    return check_numbers(
        "history-gaps",
        locals(),
        [
            Answer(
                "synthesis_to_trial_years",
                round(trial - year["Stevens makes CI-581"]),
                0.6,
                'Subtract the year of "Stevens makes CI-581" from that of "First '
                'placebo-controlled trial".',
            ),
            Answer(
                "nmda_to_trial_years",
                round(trial - year["Ketamine blocks NMDA receptors"]),
                0.6,
                'Subtract the year of "Ketamine blocks NMDA receptors" from that of the trial.',
            ),
        ],
        [
            Mistake(
                {"synthesis_to_trial_years": round(trial - approval)},
                "That is the gap from the FDA's approval (1970), not from the synthesis of "
                'CI-581: pick the row labeled "Stevens makes CI-581".',
            )
        ],
        success="The NMDA finding came much closer to the trial than the synthesis did.",
    )


@register("history-decades")
def _history_decades(regulation_peak_decade) -> Feedback:
    import pandas as pd

    events = _timeline()
    decades = (events["year"] // 10 * 10).astype(int)
    counts = pd.crosstab(events["theme"], decades)
    peak = int(counts.loc["regulation"].idxmax())
    given = regulation_peak_decade
    if isinstance(given, str) and re.fullmatch(r"\s*\d{4}s\s*", given):
        given = int(given.strip()[:4])
    most_events = int(counts.sum().idxmax())
    return check_numbers(
        "history-decades",
        {"regulation_peak_decade": given},
        [
            Answer(
                "regulation_peak_decade",
                peak,
                0.5,
                "Count only the events whose theme is 'regulation', and give the decade's "
                "first year (1990 for the 1990s).",
            )
        ],
        [
            Mistake(
                {"regulation_peak_decade": peak // 10},
                "Multiply by 10 again: `year // 10 * 10` gives the decade's first year.",
            ),
            *(
                [
                    Mistake(
                        {"regulation_peak_decade": most_events},
                        "That is the decade with the most events of all themes: count only "
                        "the 'regulation' row of the table.",
                    )
                ]
                if most_events != peak
                else []
            ),
        ],
        success="Regulation events cluster there, after the depression trials and the "
        "reports of bladder harm.",
    )
