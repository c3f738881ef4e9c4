// Starts GraphiQL on the page's endpoint (/query). Tokens go in the
// Headers tab: {"Authorization": "Bearer …"}.
(function () {
  var root = document.getElementById('graphiql');
  var fetcher = GraphiQL.createFetcher({ url: root.getAttribute('data-endpoint') });
  ReactDOM.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }), root);
})();
