package search

import (
	"runtime"
	"slices"
	"testing"
	"time"
)

// benchQueries is a mix of what people type: with and without
// diacritics, one word or several, typos, Telex, codes, unfinished words.
var benchQueries = []string{
	"dang ky khai sinh", "đăng ký khai sinh", "khai sinh", "khai sinh dang ky", "ĐĂNG KÝ KHAI SINH",
	"dang ki khai sinh", "khai sinhh", "khia sinh", "dang kys khai sinh", "dangky khaisinh",
	"đăng ký kết hôn", "ket hon", "khai tu", "chung thuc", "chứng thực bản sao",
	"chung thuc chu ky", "ly lich tu phap", "phieu ly lich tu phap", "cap lai giay phep lai xe", "giấy phép lái xe",
	"doi giay phep lai xe", "ho chieu", "cấp hộ chiếu phổ thông", "can cuoc", "thẻ căn cước",
	"dang ky thuong tru", "tạm trú", "dang ky kinh doanh", "hộ kinh doanh", "thanh lap doanh nghiep",
	"giay phep xay dung", "cấp phép xây dựng", "dat dai", "chuyển mục đích sử dụng đất", "thue",
	"hoan thue gia tri gia tang", "hải quan", "thu tuc hai quan", "khai thac khoang san", "giấy phép môi trường",
	"thu y", "kiểm dịch động vật", "ngan hang", "ngoai hoi", "chung khoan",
	"cap", "khai", "d", "xay dung", "nuoi con nuoi",
	"giam ho", "thay doi ho tich", "cai chinh ho tich", "trich luc", "giay phep lai xe quoc te",
	"1.001193", "1001193", "2.000635", "1.00", "thu tuc cap giay chung nhan quyen su dung dat",
	"bao hiem xa hoi", "tro cap", "nguoi co cong", "liet si", "dang kiem xe co gioi",
	"giay phep kinh doanh van tai", "hang khong", "tau bien", "dang ky tau ca", "ngư nghiệp",
}

func nationalIndex(b *testing.B) *Index {
	b.Helper()
	ix, err := Build(docsOf(nationalProcs(b)))
	if err != nil {
		b.Fatal(err)
	}
	return ix
}

// BenchmarkBuild indexes the 2,642 national procedures and reports the
// heap the index keeps.
func BenchmarkBuild(b *testing.B) {
	docs := docsOf(nationalProcs(b))
	// Measured first: an index left over from the loop would be freed
	// during the measurement and cancel it out.
	heap := heapOf(func() any { ix, _ := Build(docs); return ix })
	var ix *Index
	for b.Loop() {
		var err error
		if ix, err = Build(docs); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(docs)), "docs")
	b.ReportMetric(float64(ix.Vocabulary()), "words")
	b.ReportMetric(heap/(1<<20), "index-MiB")
}

// heapOf measures the live heap that the value made by f keeps, beyond
// what it shares with its input (names are not copied).
func heapOf(f func() any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := f()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	return float64(after.HeapAlloc) - float64(before.HeapAlloc)
}

// BenchmarkSearch runs the query mix round robin, first pages of 20.
func BenchmarkSearch(b *testing.B) {
	ix := nationalIndex(b)
	i := 0
	for b.Loop() {
		if _, err := ix.Search(Query{Text: benchQueries[i%len(benchQueries)]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkSearchFiltered is the mix restricted to commune-level
// procedures, as the citizen portal of a commune would ask.
func BenchmarkSearchFiltered(b *testing.B) {
	ix := nationalIndex(b)
	f := map[string]string{FacetLevel: "commune"}
	i := 0
	for b.Loop() {
		if _, err := ix.Search(Query{Text: benchQueries[i%len(benchQueries)], Filters: f}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkSearchLatency reports the latency distribution of single
// searches over the mix: the target is p99 under 10 ms on 2,642
// procedures. Figures only, no assertion: timing belongs to benchmarks.
func BenchmarkSearchLatency(b *testing.B) {
	ix := nationalIndex(b)
	var lat []time.Duration
	i := 0
	for b.Loop() {
		q := Query{Text: benchQueries[i%len(benchQueries)]}
		if i%3 == 0 {
			q.Filters = map[string]string{FacetLevel: "province"}
		}
		start := time.Now()
		if _, err := ix.Search(q); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		i++
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds())
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
}
