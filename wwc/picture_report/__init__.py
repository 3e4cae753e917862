"""The picture report: one self-contained HTML page of charts, written beside the warehouse.

Every chart is drawn from a published `reports.rpt_*` table, read from the published file
read-only after the publish: nothing is recomputed here, so the page shows exactly what an
analyst's SQL against the warehouse shows. Every chart is a Vega-Lite spec that vl-convert draws
to inline SVG in this process (the Vega engine is bundled in its wheel), with inline CSS and no
script, font or image from anywhere else, so the page opens offline and makes no network request.

data.py reads the rows; svg.py holds the colours, number formats, the renderer and the figure
around each chart; charts.py (practice-area change, criterion prevalence, certification levels),
forest.py (achievement by group), trends.py (by year and by cohort) and mastery.py (the
characteristics of masters) each build a spec from their rows; page.py lays them out and writes
the page.
"""

from wwc.picture_report.charts import CHARTS as REPORT_CHARTS
from wwc.picture_report.data import read_reports
from wwc.picture_report.mastery import CHART as MASTERY
from wwc.picture_report.page import render, report_path, write_picture_report
from wwc.picture_report.trends import TRENDS

# Every <figure>'s data-chart id, in the page's order.
CHARTS = (*REPORT_CHARTS, *TRENDS, MASTERY)

__all__ = ["CHARTS", "read_reports", "render", "report_path", "write_picture_report"]
