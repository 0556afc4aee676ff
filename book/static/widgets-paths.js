// The Jupyter widgets manager loads its icon fonts from the folder of the AMD
// module that asks for them. Map the manager's module names to the copy this
// book serves beside this file, so the fonts come from the book rather than
// from a path under the page.
(function () {
  var here = document.currentScript.src.split("?")[0];
  var base = here.slice(0, here.lastIndexOf("/") + 1) + "vendor/html-manager";
  require.config({
    paths: {
      "@jupyter-widgets": base,
      "@jupyter-widgets/html-manager/dist": base,
    },
  });
})();
