package natconv

import (
	"strings"
	"testing"
	"unicode/utf8"

	"egov/internal/catalog"
)

var methodSeeds = []string{
	methodsHeader + "Trực tuyến7 Ngày làm việc10,000 Việt Nam ĐồngTrực tiếp7 Ngày làm việcMiễn phí",
	methodsHeader + "Trực tuyến140,000 Việt Nam Đồng(- Xe ô tô)Trực tiếp1100 VNĐ",
	methodsHeader + "Dịch vụ bưu chínhKhông có thông tinKhông có thông tin((lồng) nhau",
	methodsHeader + "Trực tiếp1.5 Ngày làm việc20 VNĐ(20.000 vnđ /tờ khai)Trực tuyến6 Tháng100 USD(100 USD/thẻ.)",
	"Trực tuyến", "Trực tuyến9", "(((", "",
}

func FuzzParseMethods(f *testing.F) {
	for _, s := range methodSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rows := parseMethods(s)
		for _, r := range rows {
			if r.Channel == "" || !utf8.ValidString(r.Time+r.Fee+r.FeeNote+r.Desc) {
				t.Fatalf("row %+v", r)
			}
		}
		var fl flags
		fees := convertFees(rows, []catalog.Channel{catalog.ChannelOnline}, "", &fl)
		for _, fee := range fees {
			if fee.Amount < 0 || fee.Name == "" {
				t.Fatalf("fee %+v", fee)
			}
		}
		term := chooseTerm(rows, nil, &fl)
		if term.N < 0 {
			t.Fatalf("term %+v", term)
		}
	})
}

func FuzzParseTerm(f *testing.F) {
	for _, s := range []string{"7 Ngày làm việc", "1.5 ngày", "0,5 Giờ", "6 Tháng", "1", "1e400 Ngày", "99999999999999999999 Ngày", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		term, _, ok := parseTerm(s)
		if ok && (term.N < 0 || term.Unit == "") {
			t.Fatalf("%q: %+v", s, term)
		}
		unitInText(term.N, s)
	})
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"10,000 Việt Nam Đồng", "50.000 đồng", "10 USD", "1.2.3.4 VNĐ", "9999999999999999 VNĐ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if a, _, ok := parseAmount(s); ok && a < 0 {
			t.Fatalf("%q: %d", s, a)
		}
		parseFeeCell(s)
		noteAmounts(s)
		feeKind(s)
		splitGlued(strings.TrimSpace(s))
	})
}

func FuzzParseDocuments(f *testing.F) {
	for _, s := range []string{
		"--" + docsHeader + "Giấy đề nghị (Mẫu 10)Mẫu 10.doc1 bản chínhẢnh0 bản chính,1 bản sao",
		"* Trường hợp A" + docsHeader + "Đơn.docx.pdf20251 bản chính" + docsHeader,
		docsHeader + ".docx1 bản chính", "--", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		res := parseDocuments(s)
		for _, d := range res.Docs {
			if strings.TrimSpace(d.Name) == "" || d.Originals < 0 || d.Originals > 99 || d.Copies < 0 || d.Copies > 99 {
				t.Fatalf("document %+v", d)
			}
		}
	})
}

func FuzzParseLegal(f *testing.F) {
	for _, s := range []string{
		"Tên văn bản pháp lýMã văn bảnLuật 54/2014/QH1354/2014/QH13Thông tư 12/2015/TT-BTC12/2015/TT-BTC",
		"Tên văn bản pháp lýMã văn bảnMột cửa118/2025/NĐ-CLuật sửa đổi 202323/2023/QH15",
		"1/A", "202020202/2020/QH1", noInfo, "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range parseLegal(s).Docs {
			if d.Title == "" && d.Number == "" {
				t.Fatalf("empty legal doc from %q", s)
			}
		}
	})
}
