/* Wires up the DKFDS components (accordions, navigation, tooltips …) present on the page.
   Pages work without it; it only adds behaviour. */
(function () {
  "use strict";
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
})();
