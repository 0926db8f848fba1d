#!/usr/bin/env python3
"""Writes the XLSX fixtures of TaizhangOfficeTests with openpyxl 3.1.5 (run once; the .xlsx
files are committed, so the tests never need Python). Excel-like: a merged title row, the
header in row 2, 项目 and each indicator's cells merged over their rows."""
import datetime
from openpyxl import Workbook
from openpyxl.styles import Alignment

HEADER = ["项目", "指标名称", "评估标准", "分值", "测评方式", "责任组", "台账资料", "资料名称"]


def book(rows, merges, path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "2014年度档案管理考核评分表"
    ws.merge_cells("A1:H1")
    for col, title in enumerate(HEADER, start=1):
        ws.cell(row=2, column=col, value=title)
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value).alignment = Alignment(wrap_text=True)
    for ref in merges:
        ws.merge_cells(ref)
    wb.properties.created = datetime.datetime(2014, 12, 1)
    wb.properties.modified = datetime.datetime(2014, 12, 1)
    wb.save(path)


# Good: 项目 merged over every row; indicator 8.1 over rows 3-5, 8.2 over rows 6-7.
book(
    [
        ["八、档案管理", "档案整理", "台账分类归档，目录齐全。缺一类扣1分。", 4, "查阅资料、座谈", "信息系统处理组", "档案目录", "档案目录表×2"],
        [None, None, None, None, None, None, "归档记录", "归档登记簿\n移交清单"],
        [None, None, None, None, None, None, "借阅登记", None],
        ["八、档案管理", "档案安全", "档案室防火防潮，专人管理。", 2.5, "实地查看", "g4", "档案室管理制度", None],
        [None, None, None, None, None, None, "档案员岗位职责", None],
    ],
    ["A3:A7", "B3:B5", "C3:C5", "D3:D5", "E3:E5", "F3:F5", "B6:B7", "C6:C7", "D6:D7", "E6:E7", "F6:F7"],
    "catalogue-good.xlsx",
)

# Bad: row 5 gives its own 分值 for indicator 档案整理 (not merged), row 6 has a 测评方式
# nobody knows, row 7 a 分值 that is no number and a 责任组 that does not exist.
book(
    [
        ["八、档案管理", "档案整理", "台账分类归档，目录齐全。", 4, "查阅资料", "g1", "档案目录", None],
        [None, "档案整理", None, None, None, None, "归档记录", None],
        [None, "档案整理", None, 5, None, None, "借阅登记", None],
        [None, "档案安全", "档案室防火防潮。", 2, "座谈", "g1", "档案室管理制度", None],
        [None, "档案利用", "档案查阅便捷。", "三分", "查阅台账", "第九组", "查阅登记", None],
    ],
    ["A3:A7"],
    "catalogue-bad.xlsx",
)
