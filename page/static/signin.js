// Signs a Teams tab in (bot/tab_signin.py): Teams' token for this app, posted to /tab/session, which
// answers with a session cookie; then the page asked for is loaded again, now signed in.
(function () {
  "use strict";
  var status = document.getElementById("signin-status");
  function say(words) {
    clearTimeout(outside);
    status.textContent = words;
  }
  // Outside Teams teams-js either refuses at once or nobody ever answers it: either way, say where
  // the page opens instead of waiting for ever.
  var outside = setTimeout(function () {
    say(status.dataset.outside);
  }, 8000);
  microsoftTeams.app.initialize().then(
    function () {
      microsoftTeams.authentication
        .getAuthToken()
        .then(function (token) {
          return fetch("/tab/session", {
            method: "POST",
            headers: { Authorization: "Bearer " + token },
            credentials: "include",
          });
        })
        .then(function (response) {
          if (response.ok) {
            clearTimeout(outside);
            location.reload();
            return;
          }
          return response.json().then(function (body) {
            say(body.error || status.dataset.failed);
          });
        })
        .catch(function () {
          say(status.dataset.failed);
        });
    },
    function () {
      say(status.dataset.outside);
    }
  );
})();
