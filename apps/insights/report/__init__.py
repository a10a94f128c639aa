"""Monthly data reports (月度数据报告) and the big screen (数据大屏) of the insights module.

period.py   which quarter the report of a month covers (decision 0012)
viewer.py   a scope and a grade with no account behind it: whom a report or a screen is for
figures.py  every figure a report shows, read through apps.insights.selectors
charts.py   PNG charts (matplotlib, Agg, the project's CJK font)
document.py the Word document (python-docx) and narrative.py its written summary
appendix.py the xlsx appendix
services.py generating, sending and subscriptions; display tokens
"""
