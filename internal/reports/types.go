package reports

// reportType is one report a platform offers: what the list and the
// detail describe, and the columns its file has.
type reportType struct {
	Name        string
	Display     string
	Description string
	// Params are the request fields the report reads besides report_name
	// (the list's extra_query_params).
	Params  []string
	Columns []string
	// rows makes the file's rows (files.go).
	rows rowMaker
}

// types are the report types the fake offers, in the list's order. Their
// names are the ones the vendor's own code and skills request
// (`ai-mentor-chat-history`: the mentor app's chat export and the
// analytics skill; `my-chat-history`, `recommendation-history-report`: the
// analytics skill's mentor-scoped reports); the vendor's full catalog is
// not published, so these three are all the fake lists. Their columns are
// the fake's (FIDELITY.md, "reports").
var types = []reportType{
	{
		Name:        "ai-mentor-chat-history",
		Display:     "AI Mentor Chat History",
		Description: "Every conversation users had with the platform's mentors: who asked, which mentor answered, when, how long the conversation ran and how it felt.",
		Params:      []string{"mentor", "start_date", "end_date", "usergroup_ids"},
		Columns:     []string{"session_id", "username", "email", "mentor", "started_at", "messages", "sentiment"},
		rows:        chatRows,
	},
	{
		Name:        "my-chat-history",
		Display:     "My Chat History",
		Description: "Your own conversations with the platform's mentors, one row per conversation.",
		Params:      []string{"mentor", "start_date", "end_date"},
		Columns:     []string{"session_id", "username", "mentor", "started_at", "messages", "sentiment"},
		rows:        myChatRows,
	},
	{
		Name:        "recommendation-history-report",
		Display:     "Recommendation History Report",
		Description: "The courses mentors recommended to each user, and whether the user enrolled.",
		Params:      []string{"mentor", "start_date", "end_date", "course_id"},
		Columns:     []string{"username", "email", "course_id", "recommended_at", "enrolled"},
		rows:        recommendationRows,
	},
}

// typeOf is the report type named name, or nil.
func typeOf(name string) *reportType {
	for i := range types {
		if types[i].Name == name {
			return &types[i]
		}
	}
	return nil
}
