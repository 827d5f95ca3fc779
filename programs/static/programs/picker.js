// The exercise picker on the assign page filters as one types. Without this file the
// "Filter" button sends the form back to the server, which filters the same way.
const form = document.querySelector("form.assign");
if (form) {
  const rows = [...form.querySelectorAll("li.pick")];
  const count = form.querySelector(".picker-count");
  const filters = ["q", "category", "direction", "difficulty"].map((name) =>
    form.querySelector(`[name="${name}"]`),
  );
  const apply = () => {
    const [q, category, direction, difficulty] = filters.map((f) => (f ? f.value.trim().toLowerCase() : ""));
    let shown = 0;
    for (const row of rows) {
      const ticked = row.querySelector('input[name="exercises"]').checked;
      const match =
        (!q || row.dataset.name.includes(q)) &&
        (!category || row.dataset.category === category) &&
        (!direction || row.dataset.direction === direction) &&
        (!difficulty || row.dataset.difficulty === difficulty);
      row.hidden = !(match || ticked);
      if (!row.hidden) shown += 1;
    }
    if (count) count.textContent = `${shown} exercise${shown === 1 ? "" : "s"} shown (ticked ones always stay).`;
  };
  for (const f of filters) if (f) f.addEventListener("input", apply);
  form.addEventListener("change", (event) => {
    const box = event.target;
    if (box instanceof HTMLInputElement && box.name === "exercises") {
      box.closest("li.pick").classList.toggle("picked", box.checked);
    }
  });
  // Enter in the search box filters here instead of sending the form.
  const search = filters[0];
  if (search) {
    search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        apply();
      }
    });
  }
  const button = form.querySelector(".filter-button");
  if (button) button.hidden = true;
}
