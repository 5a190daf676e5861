# gen_events.awk - a deterministic synthetic delivery history as canonical
# JSON Lines (docs/formats.md), for the SQL oracle test and the benchmark.
#
#   awk -v N=200 -v SEED=42 [-v EXTRA=12] -f bench/gen_events.awk > events.jsonl
#
# EXTRA adds that many filler events per change (CI runs and review
# comments after the first review; they change no stage boundary) to reach
# the benchmark's ~20 events per change.
# N changes over 3 repositories, 20 developers.  Each change has 1-3
# commits (linked from the change by `pushed` for even changes, from the
# commit to the change for odd ones, so both link directions occur), is
# opened, sometimes marked ready for review later (drafts), reviewed
# (sometimes with changes requested, sometimes by the security team),
# merged (90 %) or closed, and shipped by the next deployment slot of its
# repository.  A few reviews come before opening (clock skew), a few
# changes are never reviewed, 30 % are AI-assisted.  Deployments are
# mostly to production; some roll back; some are followed by incidents,
# half of them with an explicit caused_by link.  About 20 events per change.
BEGIN {
	if (N == "") N = 200
	if (SEED == "") SEED = 42
	srand(SEED)
	base = 1767225600000          # 2026-01-01T00:00:00Z
	H = 3600000
	D = 24 * H
	SLOT = 12 * H                  # deployment slot per repository
	for (i = 0; i < N; i++) change(i)
	for (key in slot) deployment(key)
}

function r(n) { return int(rand() * n) }

function ev(t, obj, act, actor, rel, attrs,    s) {
	s = "{\"time\":" sprintf("%.0f", t) ",\"object\":\"" obj "\",\"activity\":\"" act "\""
	if (actor != "") s = s ",\"actor\":\"" actor "\""
	if (rel != "") s = s ",\"related\":[" rel "]"
	if (attrs != "") s = s ",\"attrs\":{" attrs "}"
	print s "}"
}

function change(i,    repo, obj, author, reviewer, t, ncommits, j, c, first,
                      opened, ready, rev, appr, merged, ai, k, rattr) {
	repo = "acme/r" (i % 3)
	obj = "change:" repo "#" i
	author = "dev" (i % 20)
	reviewer = "dev" ((i + 1 + r(5)) % 20)
	if (reviewer == author) reviewer = "dev" ((i + 7) % 20)
	ai = (r(10) < 3) ? "true" : "false"
	rattr = "\"repo\":\"" repo "\""
	t = base + int(i * (D / 40)) + r(4 * H)
	first = t
	ncommits = 1 + r(3)
	for (j = 0; j < ncommits; j++) {
		c = "commit:" repo "@" i "x" j
		t += r(6 * H) + 60000
		if (i % 2)
			ev(t, c, "authored", author, "\"" obj "\"",
			   "\"ai_assisted\":" ai ",\"additions\":" (1 + r(200)))
		else {
			ev(t, c, "authored", author, "",
			   "\"ai_assisted\":" ai ",\"additions\":" (1 + r(200)))
			ev(t + 1000, obj, "pushed", author, "\"" c "\"", "")
		}
	}
	opened = t + r(2 * D) + 60000
	ev(opened, obj, "opened", author, "", rattr)
	t = opened
	if (r(5) == 0) {
		t += r(D)
		ev(t, obj, "ready_for_review", author, "", "")
	}
	if (r(20) == 0) {                       # never reviewed
		merged = t + r(D)
	} else {
		rev = t + r(2 * D) + 60000
		if (r(20) == 0) rev = opened - r(3 * H) - 60000   # clock skew
		ev(rev, obj, "commented", reviewer, "", "")
		appr = rev + r(D)
		if (r(10) == 0) {
			ev(appr, obj, "changes_requested", reviewer, "", "")
			appr += r(D) + 60000
			ev(appr - 30000, obj, "pushed", author, "", "")
		}
		if (r(10) == 0) {
			ev(appr + 1000, obj, "review_requested", author, "", "\"team\":\"security\"")
			appr += r(3 * D) + 60000
			ev(appr, obj, "approved", "sec" r(3), "", "\"team\":\"security\"")
		}
		appr += r(4 * H) + 1000
		ev(appr, obj, "approved", reviewer, "", "")
		merged = appr + r(6 * H) + 1000
	}
	if (r(10) == 0) {
		ev(merged, obj, "closed", author, "", "")
		return
	}
	for (j = 0; j < EXTRA; j++)
		if (j % 2 == 0 || rev == "")
			ev(opened + 1000 * (j + 1), obj, (j % 4 == 0) ? "ci_started" : "ci_passed", "ci", "", "")
		else
			ev(rev + 1000 * (j + 1), obj, "commented", reviewer, "", "")
	ev(merged, obj, "merged", reviewer, "", "")
	k = int((merged - base) / SLOT) + 1
	slot[(i % 3) SUBSEP k] = slot[(i % 3) SUBSEP k] (slot[(i % 3) SUBSEP k] == "" ? "" : ",") "\"" obj "\""
}

function deployment(key,    parts, repo, k, obj, t, env, inc) {
	split(key, parts, SUBSEP)
	repo = "acme/r" parts[1]
	k = parts[2]
	obj = "deployment:" repo "/" k
	t = base + k * SLOT + parts[1] * 60000 + r(H)
	env = (r(15) == 0) ? "staging" : "production"
	ev(t - 600000, obj, "deploy_started", "ci", "", "\"environment\":\"" env "\",\"repo\":\"" repo "\"")
	ev(t, obj, "deployed", "ci", slot[key], "\"environment\":\"" env "\",\"repo\":\"" repo "\"")
	if (r(30) == 0)
		ev(t + r(2 * H) + 60000, obj, "rolled_back", "ci", "", "")
	if (r(12) == 0) {
		inc = "incident:" repo "/" k
		ev(t + r(5 * H) + 60000, inc, "incident_opened", "oncall",
		   (r(2) ? "\"" obj "\"" : ""), "\"repo\":\"" repo "\"")
		ev(t + 6 * H + r(30 * H), inc, "incident_resolved", "oncall", "", "")
	}
}
