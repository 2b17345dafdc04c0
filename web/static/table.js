// Progressive enhancement: the campaign page's search box filters the table while typing.
// Without JavaScript the same filter works through the form (server side).
(function () {
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var table = document.getElementById(input.dataset.filter);
    var count = document.querySelector('[data-count-for="' + input.dataset.filter + '"]');
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows).filter(function (row) { return row.dataset.unit; });
    input.addEventListener("input", function () {
      var wanted = fold(input.value.trim());
      var shown = 0;
      rows.forEach(function (row) {
        var match = !wanted || fold(row.cells[1].textContent).indexOf(wanted) >= 0 || row.dataset.unit.indexOf(wanted) === 0;
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (count) count.textContent = count.textContent.replace(/^\d+/, String(shown));
    });
  });
})();
