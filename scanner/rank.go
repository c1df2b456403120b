package scanner

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/sahilm/fuzzy"
)

// subsetKeys adapts a subset of the candidates to fuzzy.Source.
type subsetKeys struct {
	cs  []cand
	idx []int
}

func (k subsetKeys) String(i int) string { return k.cs[k.idx[i]].key }
func (k subsetKeys) Len() int            { return len(k.idx) }

// hit is one match before materialisation (kept small for sorting).
type hit struct {
	i     int
	kind  int
	score int
	idx   []int // byte offsets into the key (fuzzy matches)
}

// Rank returns the candidates matching query, best first, tagged with gen.
//
// Order: exact symbol match, then symbol prefix matches (shorter symbols
// first), then fuzzy matches over "SYMBOL Name" by score; ties go to the
// higher-priority source, then the alphabetically first symbol. An empty
// query returns the pinned candidates: deals, watchlist, recent searches.
//
// Speed: a cheap byte scan finds the exact and prefix matches and the
// candidates that contain the query as a subsequence; the fuzzy scorer runs
// only on the latter, and not at all when exact and prefix matches already
// fill the Limit (typing the first letters of a symbol).
func (s *Searcher) Rank(query string, gen uint64) Results {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queryGen = max(s.queryGen, gen)
	s.build()
	res := Results{Gen: gen, Query: query}
	q := strings.TrimSpace(query)
	if q == "" {
		for _, c := range s.cands {
			if c.src > SourceRecent {
				continue
			}
			res.Total++
			if len(res.Items) < s.limit {
				res.Items = append(res.Items, Result{Symbol: c.sym, Name: c.name, Exchange: c.exch, Source: c.src, Kind: MatchPinned})
			}
		}
		return res
	}
	qU, qL, qASCII := strings.ToUpper(q), strings.ToLower(q), isASCII(q)
	cs := s.cands
	var hits []hit
	var maybe []int // candidates for the fuzzy scorer
	for i := range cs {
		c := &cs[i]
		switch {
		case c.sym == qU:
			hits = append(hits, hit{i: i, kind: MatchExact})
		case strings.HasPrefix(c.sym, qU):
			hits = append(hits, hit{i: i, kind: MatchPrefix})
		case !qASCII || !c.ascii || subsequence(c.lower, qL):
			maybe = append(maybe, i)
		}
	}
	res.Total = len(hits) + len(maybe)
	if len(hits) < s.limit && len(maybe) > 0 {
		for _, part := range scoreParallel(q, cs, maybe) {
			hits = append(hits, part...)
		}
		res.Total = len(hits)
	}
	order := func(a, b *hit) int {
		if c := cmp.Compare(a.kind, b.kind); c != 0 {
			return c
		}
		ca, cb := &cs[a.i], &cs[b.i]
		if a.kind == MatchPrefix {
			if c := cmp.Compare(len(ca.sym), len(cb.sym)); c != 0 {
				return c
			}
		}
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		if c := cmp.Compare(ca.src, cb.src); c != 0 {
			return c
		}
		return strings.Compare(ca.sym, cb.sym)
	}
	top := topK(hits, s.limit, order)
	res.Items = make([]Result, len(top))
	for j, h := range top {
		c := &cs[h.i]
		r := Result{Symbol: c.sym, Name: c.name, Exchange: c.exch, Source: c.src, Kind: h.kind, Score: h.score}
		if h.kind == MatchFuzzy {
			r.SymbolIdx, r.NameIdx = splitIdx(c, h.idx)
		} else {
			r.SymbolIdx = make([]int, utf8.RuneCountInString(qU))
			for k := range r.SymbolIdx {
				r.SymbolIdx[k] = k
			}
		}
		res.Items[j] = r
	}
	return res
}

// parallelMin is the fuzzy workload above which scoring is split across
// the available CPUs.
const parallelMin = 2000

// scoreParallel runs the fuzzy scorer over the candidates idx, split into
// one chunk per CPU when the set is large. Every goroutine it starts has
// returned when it returns.
func scoreParallel(q string, cs []cand, idx []int) [][]hit {
	parts := 1
	if len(idx) >= parallelMin {
		parts = min(runtime.GOMAXPROCS(0), 8)
	}
	out := make([][]hit, parts)
	score := func(p int) {
		lo, hi := p*len(idx)/parts, (p+1)*len(idx)/parts
		sub := idx[lo:hi]
		ms := fuzzy.FindFromNoSort(q, subsetKeys{cs, sub})
		hs := make([]hit, len(ms))
		for j, m := range ms {
			hs[j] = hit{i: sub[m.Index], kind: MatchFuzzy, score: m.Score, idx: m.MatchedIndexes}
		}
		out[p] = hs
	}
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		wg.Go(func() { score(p) })
	}
	score(0)
	wg.Wait()
	return out
}

// topK returns the k best hits in order (order < 0: a is better), without
// sorting all of them: a bounded heap whose root is the worst kept hit.
func topK(hits []hit, k int, order func(a, b *hit) int) []hit {
	if len(hits) <= k {
		slices.SortFunc(hits, func(a, b hit) int { return order(&a, &b) })
		return hits
	}
	h := make([]int, 0, k) // indexes into hits; h[0] is the worst kept
	worse := func(i, j int) bool { return order(&hits[h[i]], &hits[h[j]]) > 0 }
	down := func(i int) {
		for {
			l, w := 2*i+1, i
			if l < len(h) && worse(l, w) {
				w = l
			}
			if r := l + 1; r < len(h) && worse(r, w) {
				w = r
			}
			if w == i {
				return
			}
			h[i], h[w] = h[w], h[i]
			i = w
		}
	}
	for i := range hits {
		switch {
		case len(h) < k:
			h = append(h, i)
			for j := len(h) - 1; j > 0 && worse(j, (j-1)/2); j = (j - 1) / 2 {
				h[j], h[(j-1)/2] = h[(j-1)/2], h[j]
			}
		case order(&hits[i], &hits[h[0]]) < 0:
			h[0] = i
			down(0)
		}
	}
	out := make([]hit, len(h))
	for j, i := range h {
		out[j] = hits[i]
	}
	slices.SortFunc(out, func(a, b hit) int { return order(&a, &b) })
	return out
}

// subsequence reports whether every byte of q occurs in s in order (both
// lower-case ASCII): the fuzzy matcher's acceptance rule, minus scoring.
func subsequence(s, q string) bool {
	j := 0
	for i := 0; i < len(s) && j < len(q); i++ {
		if s[i] == q[j] {
			j++
		}
	}
	return j == len(q)
}

// isASCII reports whether s is pure ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// splitIdx turns byte offsets into the key "SYMBOL Name" into rune
// positions within Symbol and within Name (the separating space is
// dropped).
func splitIdx(c *cand, idx []int) (symIdx, nameIdx []int) {
	ns := len(c.sym)
	for _, b := range idx {
		switch {
		case b < ns:
			symIdx = append(symIdx, utf8.RuneCountInString(c.sym[:b]))
		case b > ns && b-ns-1 <= len(c.name):
			nameIdx = append(nameIdx, utf8.RuneCountInString(c.name[:b-ns-1]))
		}
	}
	return symIdx, nameIdx
}
