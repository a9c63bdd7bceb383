// Not part of the app: src/lint.test.ts lints this file and expects every line marked
// "banned" to be reported, and nothing else. Each is a way for a string to become markup or code.
declare const el: HTMLElement;
declare const value: string;
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
