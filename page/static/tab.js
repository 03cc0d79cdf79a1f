// Every tab page, once signed in. A card's "Open the tracker" deep-links to the personal tab with
// the review as its sub-page (documents/links.tracker_url): that review's page is opened here. A
// review's configurable tab (/tab/review/ID) shown in a meeting's side panel or on its stage moves to
// the page made for that place: a narrow panel, or one recommendation large on the shared screen.
(function () {
  "use strict";
  var review = /^\/tab\/review\/(\d{1,9})$/.exec(location.pathname);
  if (location.pathname !== "/tab/me" && !review) return;
  microsoftTeams.app
    .initialize()
    .then(function () {
      return microsoftTeams.app.getContext();
    })
    .then(function (context) {
      var page = context.page || {};
      if (review) {
        // The meeting's chat id goes with it: the panel opens on what the meeting's stage shows.
        var meeting = (context.chat && context.chat.id) || (context.meeting && context.meeting.id) || "";
        var inMeeting = meeting ? "?meeting=" + encodeURIComponent(meeting) : "";
        if (page.frameContext === "sidePanel") location.replace("/tab/panel/" + review[1] + inMeeting);
        else if (page.frameContext === "meetingStage") location.replace("/tab/stage/" + review[1]);
        return;
      }
      var match = /^review-(\d{1,9})$/.exec(page.subPageId || "");
      if (match) location.replace("/tab/review/" + match[1]);
    })
    .catch(function () {
      // Outside Teams: the page is already what was asked for.
    });
})();
