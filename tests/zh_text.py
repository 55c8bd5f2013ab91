"""Checks on what the Traditional Chinese interface shows a reader."""

import re

# Simplified characters whose Traditional form differs: none may appear in zh-TW text.
SIMPLIFIED_ONLY = set(
    "长数个须输确认该择错误证码号这为于请无与时间义称务单项录类区选页关闭删检网络链复显隐帮设导"
    "应过达问题"
)
WESTERN_DATE = re.compile(r"\b(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}\b")
AM_PM = re.compile(r"\b[AP]M\b|上午|下午")


def simplified(text):
    return sorted(set(text) & SIMPLIFIED_ONLY)
