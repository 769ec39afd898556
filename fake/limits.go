package fake

import "github.com/iblfake/iblfake/fake/api"

// MaxJSONDepth is how deeply a JSON request body may nest objects and
// arrays; a deeper one is a 400 before anything decodes it. The vendor's
// bodies nest four levels at most.
const MaxJSONDepth = api.MaxJSONDepth
