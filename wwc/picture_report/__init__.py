"""The picture report: one self-contained HTML page of charts, written beside the warehouse.

Every chart is drawn from a published `reports.rpt_*` table, read from the published file
read-only after the publish: nothing is recomputed here, so the page shows exactly what an
analyst's SQL against the warehouse shows. The charts are hand-written inline SVG with inline
CSS and no script, font or image from anywhere else, so the page opens offline and makes no
network request.

data.py reads the rows; svg.py holds the colours and drawing primitives; charts.py (bar charts)
and forest.py (achievement by group) draw one figure per report; page.py lays them out and writes
the page.
"""

from wwc.picture_report.charts import CHARTS
from wwc.picture_report.data import read_reports
from wwc.picture_report.page import render, report_path, write_picture_report

__all__ = ["CHARTS", "read_reports", "render", "report_path", "write_picture_report"]
