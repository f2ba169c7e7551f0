// Gallery filters: changing the style shows it at once (the Show button stays for no-JS use).
(function () {
  "use strict";
  var select = document.getElementById("style-filter");
  if (select && select.form) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
})();
