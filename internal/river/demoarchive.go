package river

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"tongcheng/internal/region"
	"tongcheng/internal/store"
)

// The demo's 一河一档 and chiefs part: lakes and reservoirs with their reaches,
// the chief hierarchy (parents, posts, townships and villages), the 河长办 staff,
// outfalls and 一河一策 measures. It draws from its own random stream, so the
// rows generated before it are the same with or without it.

var (
	demoTownSyl    = []rune("金石龙凤安平永兴太和新福清白马双桥河柳花桂复兴中江东西南北云华明德")
	demoTownSuffix = []string{"镇", "镇", "镇", "街道", "乡"}
	demoVillSuffix = []string{"村", "村", "村", "社区"}
	demoOfficePost = []string{"主任", "副主任", "专职副主任", "联络员"}
)

func demoPlace(rng *rand.Rand, suffixes []string) string {
	a := demoTownSyl[rng.IntN(len(demoTownSyl))]
	b := demoTownSyl[rng.IntN(len(demoTownSyl))]
	for b == a {
		b = demoTownSyl[rng.IntN(len(demoTownSyl))]
	}
	return string([]rune{a, b}) + suffixes[rng.IntN(len(suffixes))]
}

func demoTitle(rng *rand.Rand, l Level, regionCode string) string {
	switch l {
	case LevelProvince:
		return "副省长"
	case LevelCity:
		return []string{"副市长", "市委常委", "市人大常委会副主任", "市政协副主席"}[rng.IntN(4)]
	case LevelCounty:
		n := region.Name(regionCode)
		switch {
		case strings.HasSuffix(n, "区"):
			return []string{"副区长", "区委常委"}[rng.IntN(2)]
		case strings.HasSuffix(n, "市"):
			return []string{"副市长", "市委常委"}[rng.IntN(2)]
		}
		return []string{"副县长", "县委常委"}[rng.IntN(2)]
	case LevelTownship:
		return []string{"党委书记", "镇长", "副镇长", "人大主席"}[rng.IntN(4)]
	}
	return []string{"村党支部书记", "村委会主任", "村监委会主任"}[rng.IntN(3)]
}

// demoArchive adds the 一河一档 and chiefs data after the rest of the demo.
func (m *Module) demoArchive(ctx context.Context, db *store.DB, scale demoSize, seed int64, out io.Writer) error {
	start := time.Now()
	rng := rand.New(rand.NewPCG(uint64(seed), 0x61726368697665)) // "archive"
	if err := m.seedWaters(ctx, db); err != nil {
		return err
	}
	// the chief hierarchy
	type crow struct {
		id     int64
		level  Level
		region string
	}
	var chiefs []crow
	rows, err := db.Query(ctx, "SELECT id, level, region FROM river_chiefs WHERE demo = 1 ORDER BY id")
	if err != nil {
		return err
	}
	for rows.Next() {
		var c crow
		var l int
		if err := rows.Scan(&c.id, &l, &c.region); err != nil {
			rows.Close()
			return err
		}
		c.level = Level(l)
		chiefs = append(chiefs, c)
	}
	rows.Close()
	links := make([]ChiefLink, len(chiefs))
	for i, c := range chiefs {
		links[i] = ChiefLink{ID: c.id, Level: c.level, Region: c.region}
	}
	LinkChiefs(links)
	// townships of each county: a pool per county; township chiefs take them in turn
	towns := map[string][]string{}
	townOf := map[int64]string{}
	placeOf := map[int64]string{}
	for _, c := range chiefs {
		if c.level == LevelTownship && len(towns[c.region]) == 0 {
			n := 8 + rng.IntN(10)
			seen := map[string]bool{}
			for len(towns[c.region]) < n {
				p := demoPlace(rng, demoTownSuffix)
				if !seen[p] {
					seen[p] = true
					towns[c.region] = append(towns[c.region], p)
				}
			}
		}
	}
	turn := map[string]int{}
	for _, c := range chiefs {
		if c.level == LevelTownship {
			t := towns[c.region][turn[c.region]%len(towns[c.region])]
			turn[c.region]++
			townOf[c.id], placeOf[c.id] = t, t
		}
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for i, c := range chiefs {
			place := placeOf[c.id]
			if c.level == LevelVillage {
				place = townOf[links[i].Parent] + demoPlace(rng, demoVillSuffix)
			}
			if _, err := tx.Exec(ctx, "UPDATE river_chiefs SET parent_id = ?, title = ?, place = ? WHERE id = ?",
				links[i].Parent, demoTitle(rng, c.level, c.region), place, c.id); err != nil {
				return err
			}
		}
		// 河长办 staff: the province, each city and county, and each township that has a chief
		staff := &batch{table: "river_office_staff", cols: []string{"name", "level", "region", "place", "post", "phone", "demo"}, n: 200}
		add := func(l Level, reg, place string, posts int, phone string) error {
			for k := 0; k < posts; k++ {
				name := string(demoSurnames[rng.IntN(len(demoSurnames))]) + string([]rune("丽娟敏静婷雪琳晓峰磊鹏飞宇")[rng.IntN(13)])
				if err := staff.add(ctx, tx, name, int(l), reg, place, demoOfficePost[min(k, len(demoOfficePost)-1)], phone, 1); err != nil {
					return err
				}
			}
			return nil
		}
		if err := add(LevelProvince, region.ProvinceCode, "", 3, "028-8667"+fmt.Sprintf("%04d", rng.IntN(10000))); err != nil {
			return err
		}
		for _, city := range region.Cities() {
			if err := add(LevelCity, city.Code, "", 3, cityAreaCode(city.Code)+"-6"+fmt.Sprintf("%07d", rng.IntN(1e7))); err != nil {
				return err
			}
			for _, county := range region.Children(city.Code) {
				if err := add(LevelCounty, county.Code, "", 2, cityAreaCode(city.Code)+"-8"+fmt.Sprintf("%07d", rng.IntN(1e7))); err != nil {
					return err
				}
				for _, t := range towns[county.Code] {
					if err := add(LevelTownship, county.Code, t, 1, cityAreaCode(city.Code)+"-3"+fmt.Sprintf("%07d", rng.IntN(1e7))); err != nil {
						return err
					}
				}
			}
		}
		return staff.flush(ctx, tx)
	})
	if err != nil {
		return err
	}
	nOut, nMeas, err := m.demoOutfallsMeasures(ctx, db, rng, scale)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  河长制：河长关系树 %d 名，排污口 %d 个，一河一策措施 %d 项，用时 %s\n", len(chiefs), nOut, nMeas, time.Since(start).Round(time.Millisecond))
	return nil
}

// cityAreaCode is the telephone area code of a city (成都 028, 德阳 0838, 眉山 028, 资阳 028).
func cityAreaCode(city string) string {
	if city == "510600" {
		return "0838"
	}
	return "028"
}

// seedWaters stores the lakes and reservoirs and one reach per water and city
// (code "<id>-<city>"), like SeedAtlas for rivers; it changes nothing when run again.
func (m *Module) seedWaters(ctx context.Context, db *store.DB) error {
	w, err := LoadWaters()
	if err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		for _, r := range w.Rivers {
			cities := r.Cities()
			owner := region.ProvinceCode
			if len(cities) == 1 {
				owner = cities[0]
			}
			if err := upsertRiver(ctx, tx, r, owner, false); err != nil {
				return err
			}
			for _, c := range cities {
				var n int
				if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM river_reaches WHERE code = ?", r.ID+"-"+c).Scan(&n); err != nil {
					return err
				}
				if n > 0 {
					continue
				}
				reg := c
				for _, k := range r.Counties {
					if region.CityOf(k) == c {
						reg = k
						break
					}
				}
				var chief int64
				_ = tx.QueryRow(ctx, "SELECT id FROM river_chiefs WHERE region = ? ORDER BY level, id LIMIT 1", reg).Scan(&chief)
				re := &Reach{Code: r.ID + "-" + c, RiverID: r.ID, Name: r.Name + region.Name(reg) + "库区", Region: reg, ChiefID: chief,
					Duties: "负责库区及入库河流巡查、饮用水水源保护、问题发现与督促整改", Phone: "12345"}
				if err := insertReach(ctx, tx, re, false); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// demoOutfallsMeasures generates outfalls on each river and city, and the 一河一策
// measures of each river in each city it crosses.
func (m *Module) demoOutfallsMeasures(ctx context.Context, db *store.DB, rng *rand.Rand, sz demoSize) (int, int, error) {
	perCity := 3
	if sz.chiefs > 1000 {
		perCity = 8
	}
	kinds := []OutfallKind{OutfallIndustrial, OutfallMunicipal, OutfallMunicipal, OutfallAgricultural, OutfallOther, OutfallOther}
	measureText := map[string][2]string{
		"水资源保护":  {"落实生态流量管控，严控取用水总量", "生态流量达标率100%"},
		"水域岸线管理": {"划定河道管理范围并设立界桩，清理“四乱”", "“四乱”问题动态清零"},
		"水污染防治":  {"排查整治入河排污口，推进污水处理厂提标改造", "出境断面稳定达到Ⅲ类"},
		"水环境治理":  {"实施农村生活污水治理和河道垃圾清理", "河面无成片漂浮物"},
		"水生态修复":  {"建设河岸生态缓冲带，开展增殖放流", "新增生态缓冲带5公里"},
		"执法监管":   {"开展河湖联合执法专项行动，打击非法采砂", "非法采砂案件查处率100%"},
	}
	nOut, nMeas := 0, 0
	anchor := DemoAnchor.In(shanghai)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, r := range m.allWaters() {
			for _, city := range r.Cities() {
				var counties []string
				for _, k := range r.Counties {
					if region.CityOf(k) == city {
						counties = append(counties, k)
					}
				}
				if len(counties) == 0 {
					for _, k := range region.Children(city) {
						counties = append(counties, k.Code)
					}
				}
				var reach int64
				_ = tx.QueryRow(ctx, "SELECT id FROM river_reaches WHERE code = ?", r.ID+"-"+city).Scan(&reach)
				for k := 0; k < perCity; k++ {
					reg := counties[rng.IntN(len(counties))]
					kind := kinds[rng.IntN(len(kinds))]
					in := OutfallInput{Code: fmt.Sprintf("PW-%s-%s-%02d", r.ID, reg, k+1), RiverID: r.ID, ReachID: reach, Kind: string(kind),
						Region: reg, Status: string(OutfallStatuses[min(rng.IntN(10)/7, 2)])}
					if rng.IntN(12) == 0 {
						in.Status = string(OutfallClosed)
					}
					switch kind {
					case OutfallIndustrial:
						in.Name = region.Name(reg) + demoPlace(rng, []string{"工业园区"}) + "排污口"
					case OutfallMunicipal:
						in.Name = region.Name(reg) + demoPlace(rng, []string{"污水处理厂"}) + "排污口"
					case OutfallAgricultural:
						in.Name = demoPlace(rng, []string{"村"}) + "养殖场排口"
					default:
						in.Name = demoPlace(rng, []string{"社区"}) + "雨污混排口"
					}
					if kind == OutfallIndustrial || kind == OutfallMunicipal {
						// demo shape of a permit number: an 18-character credit code, 3 digits and a letter
						in.Permit = fmt.Sprintf("91%s%010X%03dP", reg, rng.Uint64()%(1<<40), 1+rng.IntN(3))
					}
					in.Location = fmt.Sprintf("%s%s左岸", r.Name, region.Name(reg))
					if rng.IntN(2) == 0 {
						in.Location = strings.Replace(in.Location, "左岸", "右岸", 1)
					}
					if _, err := insertOutfall(ctx, tx, &in, "演示数据", DemoAnchor, true); err != nil {
						return err
					}
					nOut++
				}
				for _, task := range Tasks {
					txt := measureText[task]
					dl := anchor.AddDate(0, rng.IntN(30)-12, 0)
					prog := 100
					if dl.After(anchor) {
						prog = rng.IntN(10) * 10
					} else if rng.IntN(5) == 0 {
						prog = 60 + rng.IntN(4)*10 // some are behind their deadline
					}
					p := prog
					in := MeasureInput{RiverID: r.ID, Region: city, Task: task, Measure: r.Name + region.Name(city) + "段：" + txt[0], Target: txt[1],
						Unit:     region.Name(city) + []string{"水务局", "生态环境局", "自然资源和规划局", "农业农村局", "公安局"}[rng.IntN(5)],
						Deadline: dl.Format("2006-01-02"), Progress: &p}
					if prog == 100 {
						in.Note = "已完成，待验收"
					}
					if _, err := insertMeasure(ctx, tx, &in, "演示数据", DemoAnchor, true); err != nil {
						return err
					}
					nMeas++
				}
			}
		}
		return nil
	})
	return nOut, nMeas, err
}
