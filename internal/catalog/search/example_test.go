package search_test

import (
	"fmt"

	"egov/internal/catalog/search"
)

func ExampleIndex_Search() {
	ix, err := search.Build([]search.Doc{
		{ID: "1.001193", Name: "Thủ tục đăng ký khai sinh", Field: "Hộ tịch",
			Facets: map[string][]string{search.FacetLevel: {"commune"}}},
		{ID: "1.004884", Name: "Thủ tục đăng ký lại khai sinh", Field: "Hộ tịch",
			Facets: map[string][]string{search.FacetLevel: {"commune"}}},
		{ID: "1.000894", Name: "Thủ tục đăng ký kết hôn", Field: "Hộ tịch",
			Facets: map[string][]string{search.FacetLevel: {"commune"}}},
	})
	if err != nil {
		panic(err)
	}
	page, err := ix.Search(search.Query{Text: "khia sinh dang ki", Filters: map[string]string{search.FacetLevel: "commune"}})
	if err != nil {
		panic(err)
	}
	fmt.Println("showing results for:", page.Suggestion)
	for _, h := range page.Hits {
		fmt.Println(h.ID, h.Name)
	}
	// Output:
	// showing results for: khai sinh dang ki
	// 1.001193 Thủ tục đăng ký khai sinh
	// 1.004884 Thủ tục đăng ký lại khai sinh
}
