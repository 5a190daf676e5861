#!/usr/bin/env python3
"""github_export.py - a large GitHub export folder resampled from real
recorded REST responses, for bench/github.sh.

Usage: github_export.py RECORDED_JSON_DIR OUT_DIR N_PRS [SEED]

RECORDED_JSON_DIR is ../shared/data/github/apache-devlake/json: DevLake's
raw GitHub API tables for panjf2000/ants (49 distinct pull requests, their
reviews and commits, as GitHub's REST API returned them).  Each of the
N_PRS pull requests of the output is a copy of one recorded PR drawn at
random (seeded) together with that PR's recorded reviews and commits,
renumbered so that every copy is a distinct PR (number, id, node URLs) with
distinct review ids and commit SHAs.  The layout is docs/github.md's:
pulls.json as pages of 100 written back to back (what `gh api --paginate`
writes), pulls/N/reviews.json and pulls/N/commits.json.  The objects keep
every field GitHub sent (the 18 KB PR objects with their head/base
repository copies), so the parse cost per PR is the real one.
"""
import json
import os
import random
import sys


def load(dirname, name):
    with open(os.path.join(dirname, name)) as f:
        return json.load(f)


def main():
    src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    prs = {}
    for row in load(src, '_raw_github_api_pull_requests.json'):
        prs.setdefault(row['data']['number'], row['data'])
    reviews, commits = {}, {}
    for row in load(src, '_raw_github_api_pull_request_reviews.json'):
        reviews.setdefault(row['input']['Number'], []).append(row['data'])
    for row in load(src, '_raw_github_api_pull_request_commits.json'):
        commits.setdefault(row['input']['Number'], []).append(row['data'])
    numbers = sorted(prs)

    # Templates: the recorded JSON text with the fields that must differ
    # per copy replaced by markers.  PR number N appears in URLs as
    # /pulls/N, /issues/N and #N; it and the ids are rewritten.
    def template(obj, num):
        s = json.dumps(obj, separators=(',', ':'))
        for pat in ('/pulls/%d' % num, '/pull/%d' % num, '/issues/%d' % num):
            s = s.replace(pat + '"', pat.rsplit('/', 1)[0] + '/@N@"')
            s = s.replace(pat + '/', pat.rsplit('/', 1)[0] + '/@N@/')
            s = s.replace(pat + '#', pat.rsplit('/', 1)[0] + '/@N@#')
        return s

    tpl = {}
    for num in numbers:
        pr = dict(prs[num])
        pr['number'] = -7777777
        pr['id'] = -8888888
        pt = template(pr, num).replace('-7777777', '@N@').replace('-8888888', '@ID@')
        rts = []
        for i, rv in enumerate(reviews.get(num, [])):
            rv = dict(rv)
            rv['id'] = -9999990 - i
            rts.append(template(rv, num).replace(str(-9999990 - i), '@RID%d@' % i))
        cts = []
        for i, c in enumerate(commits.get(num, [])):
            # the SHA's last 12 hex digits become the copy and commit
            # numbers
            sha = c['sha']
            cts.append(template(c, num).replace(sha, sha[:28] + '%02x@SHA@' % i))
        tpl[num] = (pt, rts, cts)

    os.makedirs(os.path.join(out, 'pulls'), exist_ok=True)
    nrev = ncom = 0
    with open(os.path.join(out, 'pulls.json'), 'w') as pulls:
        page = []
        for k in range(1, n + 1):
            num = numbers[rng.randrange(len(numbers))]
            pt, rts, cts = tpl[num]
            page.append(pt.replace('@N@', str(k)).replace('@ID@', str(10**9 + k)))
            if len(page) == 100 or k == n:
                pulls.write('[' + ',\n'.join(page) + ']\n')
                page = []
            if not rts and not cts:
                continue
            d = os.path.join(out, 'pulls', str(k))
            os.makedirs(d, exist_ok=True)
            if rts:
                items = []
                for i, r in enumerate(rts):
                    items.append(r.replace('@N@', str(k))
                                  .replace('@RID%d@' % i, str(10**10 + k * 100 + i)))
                with open(os.path.join(d, 'reviews.json'), 'w') as f:
                    f.write('[' + ',\n'.join(items) + ']\n')
                nrev += len(items)
            if cts:
                sha = '%010x' % k   # with the 2 digits before it: unique
                items = [c.replace('@N@', str(k)).replace('@SHA@', sha) for c in cts]
                with open(os.path.join(d, 'commits.json'), 'w') as f:
                    f.write('[' + ',\n'.join(items) + ']\n')
                ncom += len(items)
    print('%d pull requests, %d reviews, %d PR commits' % (n, nrev, ncom))


if __name__ == '__main__':
    main()
