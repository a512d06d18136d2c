//! On the debtor page: a letter that came back undelivered is registered here (which letter,
//! why); the contact card then says no letters go to the address until it is corrected.
use super::frame::{when, StaffFlash};
use leptos::prelude::*;
use settle_domain::backoffice::DebtorPageView;
use settle_domain::i18n::staff::{st, staff_code_text, StaffKey as S};
use settle_domain::locale::Locale;
use settle_domain::views::Flash;

#[component]
pub fn AddressInvalid(locale: Locale, since: Option<chrono::NaiveDateTime>) -> impl IntoView {
    since.map(|at| {
        view! {
            <p class="alert" data-testid="address-invalid">
                {st(locale, S::AddressInvalid)}" "{when(locale, at)}". "{st(locale, S::AddressInvalidHint)}
            </p>
        }
    })
}

#[component]
pub fn ReturnedLetterForm(locale: Locale, d: DebtorPageView, csrf: String, flash: Option<Flash>) -> impl IntoView {
    let l = locale;
    let f = flash.clone().unwrap_or_default();
    let failed = f.form == "returned" && !f.errors.is_empty();
    let err = |field: &str| {
        f.error_for("returned", field)
            .map(|c| staff_code_text(l, &c).to_string())
    };
    let (e_letter, e_reason) = (err("letter"), err("reason"));
    (!d.returnable_letters.is_empty() || failed).then(|| {
        view! {
            <details class="card" open=failed>
                <summary>{st(l, S::LetterReturned)}</summary>
                <StaffFlash locale=l flash=flash.clone() form="returned".to_string()/>
                <form method="post" action=format!("/backoffice/debtors/{}/returned-letter", d.id) novalidate>
                    <input type="hidden" name="csrf" value=csrf/>
                    <div class="field" class:has-error=e_letter.is_some()>
                        <label for="f-r-letter">{st(l, S::WhichLetter)}</label>
                        {e_letter.clone().map(|m| view! { <p class="error" id="f-r-letter-error">{m}</p> })}
                        <select id="f-r-letter" name="letter"
                            aria-describedby=e_letter.is_some().then_some("f-r-letter-error")>
                            {d.returnable_letters.iter().map(|(id, at)| view! {
                                <option value=id.to_string()>{when(l, *at)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field" class:has-error=e_reason.is_some()>
                        <label for="f-r-reason">{st(l, S::ReturnReason)}</label>
                        {e_reason.clone().map(|m| view! { <p class="error" id="f-r-reason-error">{m}</p> })}
                        <select id="f-r-reason" name="reason"
                            aria-describedby=e_reason.is_some().then_some("f-r-reason-error")>
                            {[("moved", S::ReturnMoved), ("unknown", S::ReturnUnknown), ("refused", S::ReturnRefused), ("other", S::ReturnOther)]
                                .into_iter()
                                .map(|(v, k)| view! { <option value=v>{st(l, k)}</option> })
                                .collect_view()}
                        </select>
                    </div>
                    <button type="submit">{st(l, S::RegisterReturn)}</button>
                </form>
            </details>
        }
    })
}
