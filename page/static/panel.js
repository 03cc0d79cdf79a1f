// A meeting's side panel (/tab/panel/ID): "Share to stage" puts the recommendation shown here on the
// meeting's shared screen (/tab/stage/ID/N). The button shows only when Teams says this app may share
// there (a presenter, in a meeting that is on); how it went is said in the live region beside it.
(function () {
  "use strict";
  var share = document.getElementById("share");
  var button = document.getElementById("share-button");
  var status = document.getElementById("share-status");
  if (!share) return;
  microsoftTeams.app
    .initialize()
    .then(function () {
      microsoftTeams.meeting.getAppContentStageSharingCapabilities(function (error, capabilities) {
        if (!error && capabilities && capabilities.doesAppHaveSharePermission) share.hidden = false;
      });
    })
    .catch(function () {
      // Outside Teams there is no stage: the button stays hidden.
    });
  // Every side panel in the meeting then opens on what its stage shows (bot/tabs.py).
  function tellTheMeeting() {
    fetch(share.dataset.told, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "include",
      body: JSON.stringify({ meeting: share.dataset.meeting, number: Number(share.dataset.number) }),
    }).catch(function () {
      // The stage shows it all the same; only others' panels will not open on it.
    });
  }
  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = status.dataset.sharing;
    microsoftTeams.meeting.shareAppContentToStage(function (error, result) {
      button.disabled = false;
      status.textContent = error || !result ? status.dataset.failed : status.dataset.shared;
      if (!error && result && share.dataset.meeting) tellTheMeeting();
    }, location.origin + share.dataset.stage);
  });
})();
