// Not part of the app: src/lint.test.ts lints this file and expects every line marked
// "banned" to be reported, and nothing else. Each is a way for a string to become markup or code,
// or a drop-down list (whose pop-up would take the keyboard from quick exit).
declare const el: HTMLElement;
declare const value: string;
declare function h(tag: string, attrs?: object, ...children: unknown[]): HTMLElement;
declare function select(options: Array<[string, string]>): HTMLSelectElement;
el.textContent = value; // allowed
el.innerHTML = value; // banned
el.outerHTML = value; // banned
el["innerHTML"] = value; // banned
el.insertAdjacentHTML("beforeend", value); // banned
document.write(value); // banned
eval(value); // banned
new Function(value); // banned
setTimeout("alert(1)", 0); // banned
document.createRange().createContextualFragment(value); // banned
new DOMParser().parseFromString(value, "text/html"); // banned
window.eval(value); // banned
h("select", { id: "a" }); // banned
h("select"); // banned
h("select", { id: "b" }, h("option", { size: 2 })); // banned
h("select", { id: "c", size: 5 }); // allowed (a list box)
h("select", { id: "d", x: { size: 5 } }); // banned
document.createElement("select"); // banned
select([["a", "A"]]); // banned
