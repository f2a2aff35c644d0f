"""Chinese word segmentation (jieba) for policy search: document lexemes and the tsquery of a search text.

PostgreSQL's parsers do not split Chinese into words, so the words are cut here and stored space-separated in
a tsvector of the 'simple' configuration (no stemming, lower-cased). Documents are cut in jieba's search mode
(a long word also yields its dictionary sub-words: 创业担保贷款 → 创业 担保 贷款), and each word of a query
matches itself or all of its sub-words, so 创业贷款 finds 创业担保贷款 and 职业技能 finds 职业 + 技能.
"""

from __future__ import annotations

import logging
import re
import threading

import jieba

jieba.setLogLevel(logging.WARNING)

# Terms of the field that jieba's general dictionary splits badly.
DOMAIN_WORDS = (
    "稳岗",
    "稳岗返还",
    "以工代训",
    "社保补贴",
    "创业担保贷款",
    "返乡创业",
    "返乡",
    "贴息",
    "见习",
    "职业技能",
    "灵活就业",
    "就业困难人员",
    "高校毕业生",
    "退役军人",
    "脱贫劳动力",
    "零就业家庭",
    "小微企业",
    "个体工商户",
    "农民专业合作社",
    "孵化基地",
    "创业孵化",
    "霍邱",
)
WORD = re.compile(r"^\w+$")
_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def tokenizer() -> jieba.Tokenizer:
    """The shared jieba tokenizer with the domain words (its dictionary is loaded once, on first use)."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            tok = jieba.Tokenizer()
            tok.initialize()
            for word in DOMAIN_WORDS:
                tok.add_word(word, freq=100_000)
            _tokenizer = tok
        return _tokenizer


def _words(tokens: object) -> list[str]:
    return [t.strip().lower() for t in tokens if isinstance(t, str) and WORD.match(t.strip())]  # type: ignore[attr-defined]


def document_words(text: str) -> str:
    """The search-mode words of a text, space-separated (for to_tsvector('simple', …))."""
    return " ".join(_words(tokenizer().cut_for_search(text)))


def _term(word: str) -> str:
    parts = [p for p in _words(tokenizer().cut_for_search(word)) if p != word and len(p) > 1]
    if not parts:
        return f"'{word}'"
    subwords = " & ".join("'" + p + "'" for p in dict.fromkeys(parts))
    return f"('{word}' | ({subwords}))"


def query_text(query: str) -> str | None:
    """The to_tsquery('simple', …) text of a search: every word must match (itself or its sub-words).

    Words are only letters, digits and '_' (\\w), so the quoted lexemes need no escaping; None when the
    search has no word at all (only punctuation or blanks).
    """
    words = list(dict.fromkeys(_words(tokenizer().cut(query.strip()))))
    if not words:
        return None
    return " & ".join(_term(w) for w in words)
