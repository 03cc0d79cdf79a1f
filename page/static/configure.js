// The configurable tab's setup (/tab/configure): once a review is chosen, Save in Teams keeps this
// tab as that review's page (/tab/review/ID; /reviews/ID when opened in a browser). The list shows
// without script; saving needs Teams.
(function () {
  "use strict";
  var form = document.getElementById("configure");
  var status = document.getElementById("configure-status");
  if (!form) return;
  function chosen() {
    return form.querySelector('input[name="review"]:checked');
  }
  microsoftTeams.app
    .initialize()
    .then(function () {
      microsoftTeams.pages.config.registerOnSaveHandler(function (saveEvent) {
        var input = chosen();
        if (!input) {
          saveEvent.notifyFailure(status.textContent);
          return;
        }
        var origin = location.origin;
        microsoftTeams.pages.config
          .setConfig({
            contentUrl: origin + "/tab/review/" + input.value,
            websiteUrl: origin + "/reviews/" + input.value,
            entityId: "review-" + input.value,
            suggestedDisplayName: input.dataset.title,
          })
          .then(function () {
            saveEvent.notifySuccess();
          })
          .catch(function () {
            status.textContent = form.dataset.failed;
            saveEvent.notifyFailure(form.dataset.failed);
          });
      });
      form.addEventListener("change", function () {
        microsoftTeams.pages.config.setValidityState(Boolean(chosen()));
      });
      microsoftTeams.pages.config.setValidityState(Boolean(chosen()));
    })
    .catch(function () {
      // Outside Teams there is nothing to save to: the list is all there is.
    });
})();
