// Opens GraphiQL on /graphql with example queries, one tab each. Everything is served by this server.
const examples = [
  {
    query: `# Facilities with their division and the programs they take part in.
# Try lang: EN, or send "Accept-Language: en".
query Facilities {
  facilities(first: 5) {
    totalCount
    nodes {
      name(lang: ZH)
      category
      status
      division { name }
      programs(first: 3) { nodes { name } }
    }
  }
}`,
  },
  {
    query: `# The "1+4" model: education groups with their member schools and roles.
query EducationGroups {
  programs(filter: { kind: [SCHOOL_GROUP, ALLIANCE] }, first: 10) {
    nodes {
      name(lang: EN)
      parent { name(lang: EN) }
      facilities(first: 10) { edges { role node { name(lang: EN) } } }
    }
  }
}`,
  },
  {
    query: `# Every figure carries its unit, period, qualifier and the sentence it came from.
query FiguresWithSources {
  observations(filter: { search: "养老" }, first: 10) {
    totalCount
    nodes {
      indicator { name(lang: EN) }
      value unit qualifier measure
      label
      period { start end }
      source { quote document { title } }
      conflictsWith { value source { quote } }
    }
  }
}`,
  },
];

const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultTabs: examples.map(({ query }) => ({ query })),
    defaultEditorToolsVisibility: false,
    shouldPersistHeaders: false,
  }),
);
