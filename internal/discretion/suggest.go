package discretion

import (
	"math"
	"sort"
	"strings"
	"sync"
	"unicode"
)

// Suggestion is one catalogue item proposed by 法条智能引用 (smart citation)
// for an officer's description of the facts.
type Suggestion struct {
	ItemID   string    `json:"item_id"`
	Name     string    `json:"name"`
	Score    float64   `json:"score"`    // relevance; higher is better, only for ordering
	Matched  []string  `json:"matched"`  // keywords found in the text
	Violated Provision `json:"violated"` // 违反条款 of the current version
	Penalty  Provision `json:"penalty"`  // 处罚依据 of the current version
}

// Index ranks catalogue items against free Chinese text with keyword and
// character-bigram scoring (no external service).
type Index struct {
	items []indexed
	idf   map[string]float64
}

type indexed struct {
	it       *Item
	keywords []string
	name     map[string]bool // bigrams of the name
	kw       map[string]bool // bigrams of the keywords
	text     map[string]bool // bigrams of the articles' text
}

// Weights of the bigram sources and of a whole-keyword hit.
const (
	wName    = 2.0
	wKeyword = 1.5
	wText    = 0.4
	wWholeKw = 1.2 // per character of a keyword found verbatim
)

// NewIndex builds the smart-citation index of a catalogue.
func NewIndex(c *Catalogue) *Index {
	ix := &Index{idf: map[string]float64{}}
	df := map[string]int{}
	for _, it := range c.Items {
		v := it.Versions[len(it.Versions)-1]
		e := indexed{it: it, keywords: it.Keywords,
			name: bigramSet(it.Name),
			kw:   bigramSet(strings.Join(it.Keywords, "|")),
			text: bigramSet(v.Penalty.Paragraph + v.Penalty.Text + v.Violated.Text)}
		seen := map[string]bool{}
		for _, m := range []map[string]bool{e.name, e.kw, e.text} {
			for g := range m {
				if !seen[g] {
					seen[g] = true
					df[g]++
				}
			}
		}
		ix.items = append(ix.items, e)
	}
	n := float64(len(ix.items))
	for g, k := range df {
		ix.idf[g] = math.Log(1 + n/float64(k))
	}
	return ix
}

var (
	defaultIndexOnce sync.Once
	defaultIndex     *Index
)

// Suggest ranks the embedded catalogue's items for text and returns at most
// n of them, best first. Items with no evidence at all are left out.
func Suggest(text string, n int) []Suggestion {
	defaultIndexOnce.Do(func() {
		if cat, _, err := Default(); err == nil {
			defaultIndex = NewIndex(cat)
		}
	})
	if defaultIndex == nil {
		return nil
	}
	return defaultIndex.Suggest(text, n)
}

// Suggest ranks the index's items for text; see the package function.
func (ix *Index) Suggest(text string, n int) []Suggestion {
	q := normalize(text)
	if q == "" || n <= 0 {
		return nil
	}
	qg := bigramSet(q)
	out := make([]Suggestion, 0, len(ix.items))
	for _, e := range ix.items {
		var s float64
		var matched []string
		for _, k := range e.keywords {
			if k != "" && strings.Contains(q, k) {
				s += wWholeKw * float64(len([]rune(k)))
				matched = append(matched, k)
			}
		}
		for g := range qg {
			w := ix.idf[g]
			if e.name[g] {
				s += wName * w
			}
			if e.kw[g] {
				s += wKeyword * w
			}
			if e.text[g] {
				s += wText * w
			}
		}
		if s <= 0 {
			continue
		}
		v := e.it.Versions[len(e.it.Versions)-1]
		out = append(out, Suggestion{ItemID: e.it.ID, Name: e.it.Name, Score: s, Matched: matched, Violated: v.Violated, Penalty: v.Penalty})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ItemID < out[j].ItemID
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// normalize keeps Han characters, letters and digits; everything else
// becomes a separator "|" so bigrams do not span punctuation.
func normalize(s string) string {
	var b strings.Builder
	sep := true
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToUpper(r))
			sep = false
		} else if !sep {
			b.WriteByte('|')
			sep = true
		}
	}
	return strings.Trim(b.String(), "|")
}

// bigramSet returns the character bigrams of s (not spanning "|"), and the
// single characters of one-character segments.
func bigramSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, seg := range strings.Split(normalize(s), "|") {
		rs := []rune(seg)
		if len(rs) == 1 {
			m[string(rs)] = true
		}
		for i := 0; i+1 < len(rs); i++ {
			m[string(rs[i:i+2])] = true
		}
	}
	return m
}
