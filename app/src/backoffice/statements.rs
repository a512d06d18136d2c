//! `/backoffice/statements`: upload a bank statement and see what it booked.
use super::api::require_staff;
use super::frame::{loaded, StaffFlash, StaffFrame};
use leptos::prelude::*;
use settle_domain::i18n::staff::{st, StaffKey as S};

#[component]
pub fn StatementsPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| require_staff());
    loaded(me, move |s, ()| {
        let l = s.locale;
        let f = s.flash.clone().unwrap_or_default();
        let result = (f.form == "statement" && f.notice.is_some()).then(|| {
            [
                (S::ResultEntries, "entries"),
                (S::ResultNew, "new"),
                (S::ResultMatched, "matched"),
                (S::ResultPartly, "partially_matched"),
                (S::ResultOverpaid, "overpaid"),
                (S::ResultUnmatched, "unmatched"),
                (S::ResultDuplicates, "duplicates"),
            ]
            .into_iter()
            .map(|(k, field)| (k, f.value_for("statement", field)))
            .collect::<Vec<_>>()
        });
        let detail = f.value_for("statement", "detail");
        view! {
            <StaffFrame shell=s.clone() title=st(l, S::NavStatements).to_string()>
                <h1>{st(l, S::NavStatements)}</h1>
                <p>{st(l, S::StatementIntro)}</p>
                <StaffFlash locale=l flash=s.flash.clone() form="statement".to_string()/>
                {(!detail.is_empty()).then(|| view! { <p class="hint mono">{detail.clone()}</p> })}
                {result.map(|rows| view! {
                    <dl class="facts" data-testid="statement-result">
                        {rows.into_iter().map(|(k, v)| view! { <dt>{st(l, k)}</dt><dd>{v}</dd> }).collect_view()}
                    </dl>
                })}
                <form method="post" action="/backoffice/statements" enctype="multipart/form-data" class="card">
                    <input type="hidden" name="csrf" value=s.csrf.clone()/>
                    <div class="field">
                        <label for="f-statement">{st(l, S::StatementFile)}</label>
                        <input id="f-statement" name="statement" type="file" required accept=".xml,.sta,.txt,.940"/>
                    </div>
                    <button type="submit" class="primary">{st(l, S::Upload)}</button>
                </form>
            </StaffFrame>
        }
        .into_any()
    })
}
