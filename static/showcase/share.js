// Share page: copy the link, and the browser's native share sheet where it exists.
// A static file (no inline script), so the page works under a strict Content-Security-Policy.
(function () {
  "use strict";
  var status = document.getElementById("share-status");
  var copy = document.getElementById("copy-link");
  var native = document.getElementById("native-share");
  function say(text) { if (status) { status.textContent = text; } }

  if (copy) {
    copy.addEventListener("click", function () {
      var url = copy.dataset.url;
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(
          function () { say("Link copied."); },
          function () { selectField(); }
        );
      } else {
        selectField();
      }
    });
  }
  function selectField() {
    var field = document.getElementById("share-url");
    if (field) { field.focus(); field.select(); }
    say("Press Ctrl+C (or ⌘C) to copy the selected link.");
  }

  if (native && typeof navigator.share === "function") {
    native.hidden = false;
    native.addEventListener("click", function () {
      navigator.share({ title: native.dataset.title, url: native.dataset.url }).catch(function () {});
    });
  }
})();
