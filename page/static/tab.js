// Every tab page, once signed in. A card's "Open the tracker" deep-links to the personal tab with
// the review as its sub-page (documents/links.tracker_url): that review's page is opened here.
(function () {
  "use strict";
  if (location.pathname !== "/tab/me") return;
  microsoftTeams.app
    .initialize()
    .then(function () {
      return microsoftTeams.app.getContext();
    })
    .then(function (context) {
      var match = /^review-(\d{1,9})$/.exec((context.page && context.page.subPageId) || "");
      if (match) location.replace("/reviews/" + match[1]);
    })
    .catch(function () {
      // Outside Teams: the page is already what was asked for.
    });
})();
