package natconv

import (
	"reflect"
	"slices"
	"testing"

	"egov/internal/catalog"
)

func TestParseTerm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cell string
		want catalog.Term
		ok   bool
	}{
		{"7 Ngày làm việc", catalog.Term{N: 7, Unit: catalog.WorkingDays}, true},
		{"15 Ngày", catalog.Term{N: 15, Unit: catalog.CalendarDays}, true},
		{"1.5 Ngày làm việc", catalog.Term{N: 1.5, Unit: catalog.WorkingDays}, true},
		{"0,5 ngày làm việc", catalog.Term{N: 0.5, Unit: catalog.WorkingDays}, true},
		{"8 Giờ", catalog.Term{N: 8, Unit: catalog.WorkingHours}, true},
		{"4 Giờ làm việc", catalog.Term{N: 4, Unit: catalog.WorkingHours}, true},
		{"6 Tháng", catalog.Term{N: 180, Unit: catalog.CalendarDays}, true},
		{"1", catalog.Term{N: 1}, false}, // the crawl lost the unit
		{"Không quy định", catalog.Term{}, false},
		{"", catalog.Term{}, false},
		{"1.2.3 Ngày", catalog.Term{}, false},
	}
	for _, tc := range tests {
		got, _, ok := parseTerm(tc.cell)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseTerm(%q) = %+v, %v; want %+v, %v", tc.cell, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseMethods(t *testing.T) {
	t.Parallel()
	type row struct {
		ch            catalog.Channel
		time, fee     string
		feeNote, desc string
		glued         bool
	}
	tests := []struct {
		name string
		in   string
		want []row
	}{
		{"Simple", methodsHeader + "Trực tuyến7 Ngày làm việc10,000 Việt Nam ĐồngTrực tiếp7 Ngày làm việcMiễn phí",
			[]row{{catalog.ChannelOnline, "7 Ngày làm việc", "10,000 Việt Nam Đồng", "", "", false}, {catalog.ChannelInPerson, "7 Ngày làm việc", "Miễn phí", "", "", false}}},
		{"FeeNoteAndDescription", methodsHeader + "Dịch vụ bưu chính5 Ngày làm việc200,000 VNĐ(200.000đ/lần (cấp mới))Nộp qua bưu điện.",
			[]row{{catalog.ChannelPost, "5 Ngày làm việc", "200,000 VNĐ", "200.000đ/lần (cấp mới)", "Nộp qua bưu điện.", false}}},
		{"ChannelWordsInDescription", methodsHeader + "Trực tuyến3 Ngày làm việcMiễn phíTrực tuyến qua Cổng dịch vụ công; Trực tiếp: tại trụ sở",
			[]row{{catalog.ChannelOnline, "3 Ngày làm việc", "Miễn phí", "", "Trực tuyến qua Cổng dịch vụ công; Trực tiếp: tại trụ sở", false}}},
		{"UnitLost", methodsHeader + "Trực tuyến1Miễn phí(Không có)",
			[]row{{catalog.ChannelOnline, "1", "Miễn phí", "Không có", "", false}}},
		{"TimeGluedToAmount", methodsHeader + "Trực tuyến140,000 Việt Nam Đồng(- Xe ô tô)",
			[]row{{catalog.ChannelOnline, "1", "40,000 Việt Nam Đồng", "- Xe ô tô", "", true}}},
		{"TextTime", methodsHeader + "Trực tuyếnKhông phải trả kết quả cho người nộp thuếMiễn phíQua Cổng DVC",
			[]row{{catalog.ChannelOnline, "Không phải trả kết quả cho người nộp thuế", "Miễn phí", "", "Qua Cổng DVC", false}}},
		{"NoInfoTwice", methodsHeader + "Dịch vụ bưu chínhKhông có thông tinKhông có thông tingửi qua hệ thống",
			[]row{{catalog.ChannelPost, noInfo, noInfo, "", "gửi qua hệ thống", false}}},
		{"NoInfoTimeWithAmount", methodsHeader + "Trực tiếpKhông có thông tin50,000 VNĐ",
			[]row{{catalog.ChannelInPerson, noInfo, "50,000 VNĐ", "", "", false}}},
		{"Empty", methodsHeader, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []row
			for _, r := range parseMethods(tc.in) {
				got = append(got, row{r.Channel, r.Time, r.Fee, r.FeeNote, r.Desc, r.Glued})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestSplitGlued(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, time, amount string }{
		{"1100", "1", "100"},
		{"140,000", "1", "40,000"},
		{"120,000", "1", "20,000"},
		{"1100,000", "1", "100,000"},
		{"10,000", "", ""}, // "1" + "0,000" is not an amount
	}
	for _, tc := range tests {
		tm, a, ok := splitGlued(tc.in)
		if tm != tc.time || a != tc.amount || ok != (tc.time != "") {
			t.Errorf("splitGlued(%q) = %q, %q, %v", tc.in, tm, a, ok)
		}
	}
}

func TestParseAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		amount   int64
		currency string
		ok       bool
	}{
		{"10,000 Việt Nam Đồng", 10000, "VND", true},
		{"50.000 đồng", 50000, "VND", true},
		{"1,200,000 VNĐ", 1200000, "VND", true},
		{"15000000 Đồng", 15000000, "VND", true},
		{"10 USD", 10, "USD", true},
		{"Miễn phí", 0, "", false},
		{"99999999999999999999 VNĐ", 0, "", false},
	}
	for _, tc := range tests {
		a, c, ok := parseAmount(tc.in)
		if a != tc.amount || c != tc.currency || ok != tc.ok {
			t.Errorf("parseAmount(%q) = %d, %q, %v", tc.in, a, c, ok)
		}
	}
}

func TestConvertFees(t *testing.T) {
	t.Parallel()
	all := []catalog.Channel{catalog.ChannelOnline, catalog.ChannelInPerson}
	tests := []struct {
		name  string
		rows  []methodRow
		want  []catalog.Fee
		flags []string
	}{
		{"Free", []methodRow{{Channel: catalog.ChannelOnline, Fee: "Miễn phí"}}, nil, nil},
		{"ChargeSameOnEveryChannel",
			[]methodRow{{Channel: catalog.ChannelOnline, Fee: "50,000 Việt Nam Đồng", FeeNote: "Lệ phí: 50.000 đồng/thẻ"}, {Channel: catalog.ChannelInPerson, Fee: "50,000 Việt Nam Đồng", FeeNote: "Lệ phí : 50.000 đồng/thẻ"}},
			[]catalog.Fee{{Name: "Lệ phí", Kind: catalog.KindCharge, Amount: 50000, Note: "Lệ phí: 50.000 đồng/thẻ"}}, nil},
		{"OnlineDiscount",
			[]methodRow{{Channel: catalog.ChannelOnline, Fee: "25,000 VNĐ", FeeNote: "phí 25.000đ"}, {Channel: catalog.ChannelInPerson, Fee: "50,000 VNĐ", FeeNote: "phí 50.000đ"}},
			[]catalog.Fee{{Name: "Phí", Kind: catalog.KindFee, Amount: 25000, Note: "Áp dụng khi nộp: Trực tuyến; phí 25.000đ"}, {Name: "Phí", Kind: catalog.KindFee, Amount: 50000, Note: "Áp dụng khi nộp: Trực tiếp; phí 50.000đ"}}, nil},
		{"Thousands",
			[]methodRow{{Channel: catalog.ChannelOnline, Fee: "20 VNĐ", FeeNote: "Phí: 20.000 vnđ /tờ khai"}, {Channel: catalog.ChannelInPerson, Fee: "20 VNĐ", FeeNote: "Phí: 20.000 vnđ /tờ khai"}},
			[]catalog.Fee{{Name: "Phí", Kind: catalog.KindFee, Amount: 20000, Note: "Phí: 20.000 vnđ /tờ khai"}}, []string{FlagFeeThousands}},
		{"USDLabelledVND",
			[]methodRow{{Channel: catalog.ChannelOnline, Fee: "145 VNĐ", FeeNote: "Lệ phí thẻ tạm trú: 145 USD/thẻ"}, {Channel: catalog.ChannelInPerson, Fee: "145 VNĐ", FeeNote: "Lệ phí thẻ tạm trú: 145 USD/thẻ"}},
			[]catalog.Fee{{Name: "Lệ phí thẻ tạm trú", Kind: catalog.KindCharge, Note: "145 USD; Lệ phí thẻ tạm trú: 145 USD/thẻ"}}, []string{FlagFeeUSD}},
		{"Implausible",
			[]methodRow{{Channel: catalog.ChannelOnline, Fee: "1 Việt Nam Đồng", FeeNote: "phí"}, {Channel: catalog.ChannelInPerson, Fee: "1 Việt Nam Đồng", FeeNote: "phí"}},
			[]catalog.Fee{{Name: "Phí", Kind: catalog.KindFee, Note: "Cổng DVC quốc gia ghi: 1 Việt Nam Đồng; phí"}}, []string{FlagFeeImplausible}},
		{"FreeButNote", []methodRow{{Channel: catalog.ChannelOnline, Fee: "Miễn phí", FeeNote: "8.000.000 đồng/lần"}}, nil, []string{FlagFeeFreeButNote}},
		{"KindUnknown",
			[]methodRow{{Channel: catalog.ChannelOnline, Fee: "300,000 VNĐ"}, {Channel: catalog.ChannelInPerson, Fee: "300,000 VNĐ"}},
			[]catalog.Fee{{Name: "Phí", Kind: catalog.KindFee, Amount: 300000}}, []string{FlagFeeKindGuessed}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var fl flags
			got := convertFees(tc.rows, all, "", &fl)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("fees\ngot  %+v\nwant %+v", got, tc.want)
			}
			var keys []string
			for _, f := range fl {
				keys = append(keys, FlagKey(f))
			}
			if !slices.Equal(keys, tc.flags) {
				t.Errorf("flags %q, want %q", keys, tc.flags)
			}
		})
	}
}

func TestFeeKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text  string
		kind  catalog.FeeKind
		known bool
	}{
		{"Lệ phí cấp thẻ căn cước: 50.000 đồng", catalog.KindCharge, true},
		{"Phí thẩm định: 1.350.000 đồng", catalog.KindFee, true},
		{"Thông tư quy định mức thu phí, lệ phí; lệ phí đăng ký xe", catalog.KindCharge, true},
		{"Miễn lệ phí cho hộ nghèo", catalog.KindCharge, true},
		{"20.000 đ/tờ khai", catalog.KindFee, false},
	}
	for _, tc := range tests {
		k, ok := feeKind(tc.text)
		if k != tc.kind || ok != tc.known {
			t.Errorf("feeKind(%q) = %s, %v", tc.text, k, ok)
		}
	}
}

func TestParseDocuments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []catalog.Document
		unsplit int
	}{
		{"NameTemplateCount", "--" + docsHeader + "Giấy đề nghị (Mẫu TP-TSCC-10 ban hành kèm theo Thông tư số 06/2025/TT-BTP)Mẫu TP-TSCC-10.doc1 bản chínhẢnh chụp hiện trạng0 bản chính,1 bản sao",
			[]catalog.Document{{Name: "Giấy đề nghị (Mẫu TP-TSCC-10 ban hành kèm theo Thông tư số 06/2025/TT-BTP)", Originals: 1, Template: "Mẫu TP-TSCC-10.doc"}, {Name: "Ảnh chụp hiện trạng", Copies: 1}}, 0},
		{"YearGluedToCount", "--" + docsHeader + "- Văn bản theo Nghị định ngày 30/6/20251 bản chính",
			[]catalog.Document{{Name: "Văn bản theo Nghị định ngày 30/6/2025", Originals: 1}}, 0},
		{"LeadingZeroCount", "--" + docsHeader + "Ảnh màu 4x6 cm02 bản chính",
			[]catalog.Document{{Name: "Ảnh màu 4x6 cm", Originals: 2}}, 0},
		{"TemplateAfterLowerCase", "--" + docsHeader + "Tờ khai xóa đăng ký theo mẫuMuTkhaixaK.docx1 bản chính",
			[]catalog.Document{{Name: "Tờ khai xóa đăng ký theo mẫu", Originals: 1, Template: "MuTkhaixaK.docx"}}, 0},
		{"TemplateWithDots", "--" + docsHeader + "Bản khai cá nhân (Mẫu số 03).Mẫu 03.TT41.doc1 bản chính",
			[]catalog.Document{{Name: "Bản khai cá nhân (Mẫu số 03).", Originals: 1, Template: "Mẫu 03.TT41.doc"}}, 0},
		{"TwoTemplates", "--" + docsHeader + "Hồ sơ đề nghịMẫu TP-HGTM-09.docxMẫu TP-HGTM-16.docx1 bản chính",
			[]catalog.Document{{Name: "Hồ sơ đề nghị", Originals: 1, Template: "Mẫu TP-HGTM-09.docx; Mẫu TP-HGTM-16.docx"}}, 0},
		{"Groups", "* Trường hợp cấp mới" + docsHeader + "Đơn đề nghị1 bản chính* Trường hợp cấp lại" + docsHeader + "Giấy phép cũ1 bản chính",
			[]catalog.Document{{Name: "Đơn đề nghị", Originals: 1, Note: "Trường hợp cấp mới"}, {Name: "Giấy phép cũ", Originals: 1, Note: "Trường hợp cấp lại"}}, 0},
		{"TailWithoutCount", "--" + docsHeader + "Đơn1 bản chínhGhi chú: nộp 02 bộ", []catalog.Document{{Name: "Đơn", Originals: 1}}, 1},
		{"NoTable", "phải được kê khai và ký chữ ký số", nil, 1},
		{"Empty", "--", nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := parseDocuments(tc.in)
			if !reflect.DeepEqual(got.Docs, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got.Docs, tc.want)
			}
			if len(got.Unsplit) != tc.unsplit {
				t.Errorf("unsplit %q, want %d", got.Unsplit, tc.unsplit)
			}
		})
	}
}

func TestParseLegal(t *testing.T) {
	t.Parallel()
	h := "Tên văn bản pháp lýMã văn bản"
	tests := []struct {
		name     string
		in       string
		want     []catalog.LegalDoc
		noNumber int
	}{
		{"TitleRepeatsNumber", h + "Luật 54/2014/QH1354/2014/QH13Thông tư 12/2015/TT-BTC12/2015/TT-BTC",
			[]catalog.LegalDoc{{Number: "54/2014/QH13", Title: "Luật 54/2014/QH13"}, {Number: "12/2015/TT-BTC", Title: "Thông tư 12/2015/TT-BTC"}}, 0},
		{"CapitalisedTitleGlued", h + "về kinh doanh vận chuyển hàng không30/2013/NĐ-CPSửa đổi Nghị định 30/2013/NĐ-CP về kinh doanh15/2024/NĐ-CP",
			[]catalog.LegalDoc{{Number: "30/2013/NĐ-CP", Title: "về kinh doanh vận chuyển hàng không"}, {Number: "15/2024/NĐ-CP", Title: "Sửa đổi Nghị định 30/2013/NĐ-CP về kinh doanh"}}, 0},
		{"LowerCaseTitleGlued", h + "Một cửa118/2025/NĐ-CPsửa đổi Thông tư 19/2021/TT-BTC46/2024/TT-BTC",
			[]catalog.LegalDoc{{Number: "118/2025/NĐ-CP", Title: "Một cửa"}, {Number: "46/2024/TT-BTC", Title: "sửa đổi Thông tư 19/2021/TT-BTC"}}, 0},
		{"CutDecreeNumber", h + "Một cửa118/2025/NĐ-CLuật Đất đai31/2024/QH15",
			[]catalog.LegalDoc{{Number: "118/2025/NĐ-CP", Title: "Một cửa"}, {Number: "31/2024/QH15", Title: "Luật Đất đai"}}, 0},
		{"YearGluedToNumber", h + "Luật sửa đổi 202323/2023/QH15",
			[]catalog.LegalDoc{{Number: "23/2023/QH15", Title: "Luật sửa đổi 2023"}}, 0},
		{"PrimeMinister", h + "Quyết định về chế độ53/2010/QĐ-TTg",
			[]catalog.LegalDoc{{Number: "53/2010/QĐ-TTg", Title: "Quyết định về chế độ"}}, 0},
		{"DecimalNumber", h + "Nghị quyết số 66.7/2025/NQ-CP66.7/2025/NQ-CP",
			[]catalog.LegalDoc{{Number: "66.7/2025/NQ-CP", Title: "Nghị quyết số 66.7/2025/NQ-CP"}}, 0},
		{"TitleWithoutNumber", h + "Luật Thú y79/2015/QH13Quy định về kiểm dịch động vật",
			[]catalog.LegalDoc{{Number: "79/2015/QH13", Title: "Luật Thú y"}, {Title: "Quy định về kiểm dịch động vật"}}, 1},
		{"None", noInfo, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := parseLegal(tc.in)
			if !reflect.DeepEqual(got.Docs, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got.Docs, tc.want)
			}
			if len(got.NoNumber) != tc.noNumber {
				t.Errorf("no number %q, want %d", got.NoNumber, tc.noNumber)
			}
		})
	}
}

func TestConvertLevel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		want  catalog.Level
		flags int
	}{
		{"Cấp bộ", catalog.LevelMinistry, 0},
		{"Cấp tỉnh", catalog.LevelProvince, 0},
		{"Cấp bộ, Cấp tỉnh", catalog.LevelProvince, 1},
		{"Cấp bộ, Cấp tỉnh, Cấp xã", catalog.LevelCommune, 1},
		{"Cơ quan khác", catalog.LevelMinistry, 1},
		{"Cấp huyện", "", 1},
	}
	for _, tc := range tests {
		var fl flags
		if got := convertLevel(tc.in, &fl); got != tc.want || len(fl) != tc.flags {
			t.Errorf("convertLevel(%q) = %q, %q", tc.in, got, fl)
		}
	}
}

func TestConvertApplicants(t *testing.T) {
	t.Parallel()
	var fl flags
	got := convertApplicants("Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân Việt Nam, Người nước ngoài, Hợp tác xã", &fl)
	if want := []string{"citizen", "business", "organisation", "foreigner"}; !slices.Equal(got, want) || len(fl) != 0 {
		t.Errorf("got %q, flags %q", got, fl)
	}
	convertApplicants("Công dân Việt Nam, Hộ kinh doanh", &fl)
	if len(fl) != 1 || FlagKey(fl[0]) != FlagApplicantUnknown {
		t.Errorf("flags %q", fl)
	}
}

func TestConvertResult(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Giấy chứng nhận cải tạoMã: KQ.G04.000501Giấy chứng nhận kiểm địnhMã: KQ.G04.000495Từ khóaKhông có thông tinMô tảKhông có thông tinChọn cơ quan thực hiệnNộp hồ sơ",
			"Giấy chứng nhận cải tạo; Giấy chứng nhận kiểm định"},
		{"Sổ ATAMã: KQ.G12.000389Từ khóaKhông có thông tinMô tảKhông có thông tin", "Sổ ATA"},
		{"Từ khóaKhông có thông tin", ""},
	}
	for _, tc := range tests {
		if got := convertResult(tc.in); got != tc.want {
			t.Errorf("convertResult(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestClean(t *testing.T) {
	t.Parallel()
	// "Hoà" decomposed (a + combining grave) becomes NFC; NBSP, tabs and
	// private-use bullets collapse to one space.
	if got := clean("Hoa\u0300\u00a0 \tBình\uf0fc\tx\n"); got != "Hoà Bình x" {
		t.Errorf("clean = %q", got)
	}
	if got := cleanCell(" Không có thông tin "); got != "" {
		t.Errorf("cleanCell = %q", got)
	}
}
