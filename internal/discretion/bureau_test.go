package discretion

import (
	"strings"
	"testing"

	"tongcheng/internal/region"
)

// Every city and county of the four cities has a deciding bureau, and no two bureaus share a
// 决定书文号 prefix (the credit library keys a penalty by its number, so a shared prefix could
// let one bureau's decision replace another's).
func TestBureausDistinctPrefixes(t *testing.T) {
	seen := map[string]string{}
	n := 0
	for _, c := range region.Cities() {
		for _, r := range append([]region.Region{c}, region.Children(c.Code)...) {
			b, ok := BureauOf(r.Code)
			if !ok || !strings.HasSuffix(b.Name, "市场监督管理局") || !strings.HasSuffix(b.Prefix, "市监处罚") {
				t.Errorf("%s %s: bureau %+v", r.Code, r.Name, b)
				continue
			}
			if other, dup := seen[b.Prefix]; dup {
				t.Errorf("prefix %s of %s is also %s's", b.Prefix, r.Code, other)
			}
			seen[b.Prefix] = r.Code
			n++
		}
	}
	if n < 4+20 {
		t.Fatalf("only %d bureaus", n)
	}
	if b, _ := BureauOf("510100"); b.Name != "成都市市场监督管理局" || b.Prefix != "成市监处罚" {
		t.Errorf("成都 bureau %+v", b)
	}
	if b, _ := BureauOf("510104"); b.Name != "成都市锦江区市场监督管理局" || b.Prefix != "成锦江市监处罚" {
		t.Errorf("锦江区 bureau %+v", b)
	}
	if _, ok := BureauOf(region.ProvinceCode); ok {
		t.Error("the province has a deciding bureau of the four cities")
	}
	if got := DecisionNumber("成市监处罚", 2026, 123); got != "成市监处罚〔2026〕123号" {
		t.Errorf("DecisionNumber = %s", got)
	}
}
