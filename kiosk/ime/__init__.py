"""The on-screen Chinese keyboard's dictionary (拼音输入法) and its candidate lookup.

`build` makes `data/pinyin.tsv` at install time from two PyPI packages:
pypinyin's readings and jieba's word frequencies; `lookup` loads it once
per process and `routes` answers `/ime/candidates`. Nothing is fetched at
run time.
"""
