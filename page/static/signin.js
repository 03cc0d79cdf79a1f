// Signs a Teams tab in (bot/tab_signin.py): Teams' token for this app, posted to /tab/session, which
// answers with a session cookie; then the page asked for is loaded again, now signed in.
(function () {
  "use strict";
  var status = document.getElementById("signin-status");
  function say(words) {
    status.textContent = words;
  }
  // Outside Teams nothing answers teams-js: say where the page opens instead of waiting for ever.
  var outside = setTimeout(function () {
    say(status.dataset.outside);
  }, 8000);
  microsoftTeams.app
    .initialize()
    .then(function () {
      return microsoftTeams.authentication.getAuthToken();
    })
    .then(function (token) {
      return fetch("/tab/session", {
        method: "POST",
        headers: { Authorization: "Bearer " + token },
        credentials: "include",
      });
    })
    .then(function (response) {
      clearTimeout(outside);
      if (response.ok) {
        location.reload();
        return;
      }
      return response.json().then(function (body) {
        say(body.error || status.dataset.failed);
      });
    })
    .catch(function () {
      clearTimeout(outside);
      say(status.dataset.failed);
    });
})();
