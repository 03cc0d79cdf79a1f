// Signs a Teams tab in (bot/tab_signin.py): Teams' token for this app, posted to /tab/session, which
// answers with a session cookie; then the page asked for is loaded again, now signed in.
(function () {
  "use strict";
  var status = document.getElementById("signin-status");
  // Signed in a moment ago and asked to sign in again: the browser did not keep the cookie (some
  // block cookies inside Teams' frame). Say so rather than load the page again and again.
  var tried = "scrutiny-signin:" + location.pathname;
  function signedInJustNow() {
    try {
      return Date.now() - Number(sessionStorage.getItem(tried) || 0) < 15000;
    } catch (blocked) {
      return false;
    }
  }
  function remember() {
    try {
      sessionStorage.setItem(tried, String(Date.now()));
    } catch (blocked) {
      // Without storage the reload below is tried; the timeout then speaks if nothing changes.
    }
  }
  function say(words) {
    clearTimeout(outside);
    status.textContent = words;
  }
  // Outside Teams teams-js either refuses at once or nobody ever answers it: either way, say where
  // the page opens instead of waiting for ever.
  var outside = setTimeout(function () {
    say(status.dataset.outside);
  }, 8000);
  if (signedInJustNow()) {
    say(status.dataset.kept);
    return;
  }
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
            remember();
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
