package credit

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"tongcheng/internal/store"
	"tongcheng/internal/store/storetest"
)

// On PostgreSQL the name index keeps a small pending list and the name column a larger
// statistics sample (migration 004), and the merge after a large import empties the
// pending list: names stored before it are found through the index as before.
func TestNameIndexSettingsPostgres(t *testing.T) {
	storetest.Each(t, (&Module{}).Migrations(), func(t *testing.T, db *store.DB) {
		if db.D() != store.Postgres {
			t.Skip("PostgreSQL only")
		}
		ctx := context.Background()
		var opts string
		if err := db.QueryRow(ctx, "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = 'credit_subjects_name_trgm'::regclass").Scan(&opts); err != nil {
			t.Fatal(err)
		}
		if opts != "gin_pending_list_limit=256" {
			t.Errorf("credit_subjects_name_trgm options %q, want gin_pending_list_limit=256", opts)
		}
		var target int
		if err := db.QueryRow(ctx, "SELECT attstattarget FROM pg_attribute WHERE attrelid = 'credit_subjects'::regclass AND attname = 'name'").Scan(&target); err != nil {
			t.Fatal(err)
		}
		if target != 1000 {
			t.Errorf("statistics target of credit_subjects.name %d, want 1000", target)
		}
		var ss []Subject
		for i, name := range []string{"成都蜀锦食品有限公司", "德阳鑫达商贸有限公司", "眉山东坡蜀锦茶叶专业合作社"} {
			ss = append(ss, Subject{USCC: MakeUSCC("91", "510104", fmt.Sprintf("3%07d", i)), Name: name, Type: "企业", CityCode: "510100", CountyCode: "510104", Status: "存续"})
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return upsertSubjects(ctx, tx, ss, nil, 0, time.Now()) }); err != nil {
			t.Fatal(err)
		}
		if err := optimizeSearchIndex(ctx, db); err != nil {
			t.Fatalf("merging the pending list: %v", err)
		}
		res, err := SearchSubjects(ctx, db, ByName, "蜀锦", 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range res.Results {
			names = append(names, s.Name)
		}
		if got := strings.Join(names, "、"); got != "成都蜀锦食品有限公司、眉山东坡蜀锦茶叶专业合作社" {
			t.Errorf("蜀锦 found %s", got)
		}
	})
}
