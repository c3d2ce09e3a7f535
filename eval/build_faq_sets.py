#!/usr/bin/env python3
"""Builds the FAQ development sets (BEIR format) in this folder from public FAQ text.

    python3 eval/build_faq_sets.py [--packages DIR]

The answers come from two Debian packages: the Python FAQ of `python3.11-doc`
(`html/_sources/faq/*.rst.txt`) and the Debian FAQ of `debian-faq`
(`debian-faq.en.txt.gz`); without --packages the script downloads both with `apt-get download`
into a temporary folder. Each question with an answer of at least 40 characters becomes one
document whose text is the answer alone (the question is kept in `metadata.question`, which
`parley eval beir` does not read), so a visitor's question has to be matched against the answer,
as on a help desk whose knowledge base holds answers. The queries are the hand-written visitor
questions of `queries/<set>.tsv` (`<document number>\\t<question>`), one relevant document each.
"""
import argparse, glob, gzip, json, os, re, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def unpack(packages):
    for deb in glob.glob(os.path.join(packages, '*.deb')):
        subprocess.run(['dpkg-deb', '-x', deb, os.path.join(packages, 'root')], check=True)
    return os.path.join(packages, 'root')


def rst_inline(text):
    text = re.sub(r':[a-z:]+:`~?([^`<]*?)(?:\s*<[^>]*>)?`', r'\1', text)
    text = re.sub(r'`([^`<]*?)(?:\s*<[^>]*>)?`_+', r'\1', text)
    return text.replace('``', '')


def python_faq(root):
    entries = []
    for path in sorted(glob.glob(os.path.join(root, 'usr/share/doc/python3.11/html/_sources/faq/*.rst.txt'))):
        if os.path.basename(path).startswith('index'):
            continue
        lines = open(path, encoding='utf-8').read().split('\n')
        heads = [i for i in range(len(lines) - 1)
                 if lines[i].strip() and re.fullmatch(r'[-=~^"*]{3,}', lines[i + 1].strip())
                 and len(lines[i + 1].strip()) >= len(lines[i].strip()) - 2]
        for k, head in enumerate(heads):
            question = lines[head].strip()
            end = heads[k + 1] if k + 1 < len(heads) else len(lines)
            body = '\n'.join(lines[head + 2:end]).strip()
            if not question.endswith('?') or len(body) < 40:
                continue
            body = re.sub(r'\.\. [a-z]+::.*', '', body)
            body = re.sub(r'\s+', ' ', rst_inline(body)).strip()
            entries.append({'question': rst_inline(question), 'answer': body[:3000]})
    return entries


def debian_faq(root):
    with gzip.open(os.path.join(root, 'usr/share/doc/debian/FAQ/debian-faq.en.txt.gz'), 'rt', encoding='utf-8') as f:
        lines = f.read().replace('\u00a0', ' ').split('\n')
    heads = [i for i, line in enumerate(lines) if re.match(r'^\d+\.\d+\. \S', line)]
    entries = []
    for k, head in enumerate(heads):
        question, j = lines[head], head + 1
        while not question.rstrip().endswith(('?', '.')) and lines[j].strip() and j < head + 4:
            question += ' ' + lines[j].strip()
            j += 1
        while j < len(lines) and (not lines[j].strip() or re.fullmatch(r'[-=~]+', lines[j].strip())):
            j += 1
        end = heads[k + 1] if k + 1 < len(heads) else len(lines)
        body = [line for line in lines[j:end] if not re.match(r'^\d+\. ', line) and not re.fullmatch(r'[-=~*]+', line.strip())]
        body = re.sub(r'\s+', ' ', ' '.join(body)).strip()
        question = re.sub(r'^\d+\.\d+\. ', '', re.sub(r'\s+', ' ', question)).strip()
        if question.endswith('?') and len(body) > 40:
            entries.append({'question': question, 'answer': body[:3000]})
    return entries


def write_set(name, prefix, entries, titled=False):
    """`titled`: the question is the document's title (a help centre whose articles are titled
    by the question they answer); otherwise the document is the answer alone."""
    queries_name = name
    if titled:
        name += '-titled'
    out = os.path.join(HERE, name)
    os.makedirs(os.path.join(out, 'qrels'), exist_ok=True)
    with open(os.path.join(out, 'corpus.jsonl'), 'w', encoding='utf-8') as f:
        for i, entry in enumerate(entries):
            f.write(json.dumps({'_id': f'{prefix}{i}', 'title': entry['question'] if titled else '', 'text': entry['answer'],
                                'metadata': {'question': entry['question']}}) + '\n')
    queries = [line.rstrip('\n').split('\t') for line in open(os.path.join(HERE, 'queries', queries_name + '.tsv'), encoding='utf-8') if line.strip()]
    with open(os.path.join(out, 'queries.jsonl'), 'w', encoding='utf-8') as fq, open(os.path.join(out, 'qrels', 'test.tsv'), 'w') as fr:
        fr.write('query-id\tcorpus-id\tscore\n')
        for n, (number, text) in enumerate(queries, start=1):
            assert int(number) < len(entries), f'{name}: query {n} names document {number}, the set has {len(entries)}'
            fq.write(json.dumps({'_id': f'q{n}', 'text': text, 'metadata': {}}) + '\n')
            fr.write(f'q{n}\t{prefix}{number}\t1\n')
    print(f'{name}: {len(entries)} documents, {len(queries)} queries')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--packages', help='folder holding python3.11-doc_*.deb and debian-faq_*.deb')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        packages = args.packages or scratch
        if not args.packages:
            subprocess.run(['apt-get', 'download', 'python3.11-doc', 'debian-faq'], cwd=packages, check=True)
        root = unpack(packages)
        for titled in (False, True):
            write_set('faq-python', 'py', python_faq(root), titled)
            write_set('faq-debian', 'deb', debian_faq(root), titled)


if __name__ == '__main__':
    main()
