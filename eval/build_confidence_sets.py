#!/usr/bin/env python3
"""Builds the FAQ confidence sets (`confidence-faq-python`, `confidence-faq-debian`) for
`parley eval confidence` from the titled FAQ development sets in this folder.

    python3 eval/build_confidence_sets.py

A help centre whose knowledge base lacks a third of its FAQ: every third entry of the titled set
(position 2, 5, 8, ... in corpus.jsonl) is held out, the rest becomes the set's `corpus.jsonl`
(the knowledge base `parley eval confidence` ingests into a scratch tenant). The questions are
the set's hand-written visitor questions (`queries/<set>.tsv`), labelled 1 when the entry that
answers them is in the knowledge base and 0 when it was held out: plausible, on-topic questions
the knowledge base cannot answer, the case a confidence score finds hardest. The rule was fixed
before any score was computed on these sets and is not tuned.
"""
import csv, json, os

HERE = os.path.dirname(os.path.abspath(__file__))


def build(name):
    source = os.path.join(HERE, f'faq-{name}-titled')
    documents = [json.loads(line) for line in open(os.path.join(source, 'corpus.jsonl'), encoding='utf-8') if line.strip()]
    held_out = {document['_id'] for position, document in enumerate(documents) if position % 3 == 2}
    questions = {}
    for line in open(os.path.join(source, 'queries.jsonl'), encoding='utf-8'):
        if line.strip():
            query = json.loads(line)
            questions[query['_id']] = query['text']
    target = os.path.join(HERE, f'confidence-faq-{name}')
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(target, 'corpus.jsonl'), 'w', encoding='utf-8') as corpus:
        for document in documents:
            if document['_id'] not in held_out:
                corpus.write(json.dumps(document, ensure_ascii=False) + '\n')
    rows = []
    with open(os.path.join(source, 'qrels', 'test.tsv'), encoding='utf-8') as qrels:
        for row in csv.DictReader(qrels, delimiter='\t'):
            text = questions[row['query-id']]
            if '\t' in text or '\n' in text:
                raise SystemExit(f'{name}: question {row["query-id"]} holds a tab or newline')
            rows.append((text, 0 if row['corpus-id'] in held_out else 1))
    with open(os.path.join(target, 'questions.tsv'), 'w', encoding='utf-8') as out:
        out.write('question\tanswerable\n')
        for text, label in rows:
            out.write(f'{text}\t{label}\n')
    answerable = sum(label for _, label in rows)
    print(f'confidence-faq-{name}: {len(documents) - len(held_out)} of {len(documents)} entries kept, '
          f'{answerable} answerable and {len(rows) - answerable} unanswerable questions')


if __name__ == '__main__':
    for name in ('python', 'debian'):
        build(name)
