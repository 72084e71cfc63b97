package fake_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/fake"
)

// A fake for a test: start it, call it with its URL and the admin token's secret, close it.
// With the ldaccess wrapper the call is
// c, _ := wrapper.New(srv.AdminSecret(), wrapper.WithBaseURL(srv.URL)).
func Example() {
	srv := fake.NewServer(fake.Options{Account: fake.Seed(fake.SeedOptions{Members: 100, Tokens: 10, Seed: 1})})
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/api/v2/members?filter=role:admin&limit=5", nil)
	req.Header.Set("Authorization", srv.AdminSecret())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	var page api.Members
	_ = json.NewDecoder(res.Body).Decode(&page)
	fmt.Println(res.StatusCode, page.TotalCount > 0, page.Items[0].Role)
	// Output: 200 true owner
}

// Faults by script: the third request to getMembers answers 503.
func ExampleFaults() {
	srv := fake.NewServer(fake.Options{Faults: &fake.Faults{Script: []fake.ScriptedFault{
		{OperationID: "getMembers", Nth: 3, Kind: fake.Fault503},
	}}})
	defer srv.Close()
	for range 4 {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v2/members", nil)
		req.Header.Set("Authorization", srv.AdminSecret())
		res, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		res.Body.Close()
		fmt.Print(res.StatusCode, " ")
	}
	fmt.Println()
	// Output: 200 200 503 200
}
