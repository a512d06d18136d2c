//! Tenant-edited message templates, per step kind, channel and language: versions with author
//! and time (at most one active; none means the shipped wording), checks before saving, a
//! preview with sample data, diffs between versions, rollback, and a test mail to oneself.
//! Admins only; every change is in the audit log with before and after.
use crate::backoffice::local;
use crate::entities::{message_template, staff_user};
use crate::error::{ServiceError, ServiceResult};
use crate::staff::{Role, StaffScope};
use crate::templates;
use crate::tenant::TenantCtx;
use crate::{audit, channels::html_email};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde_json::json;
use settle_domain::backoffice::{DiffLine, TemplatePageView, TemplateRow, VersionRow};
use settle_domain::dunning::steps::{Channel, StepKind, Variant};
use settle_domain::dunning::texts::{default_source, sample_facts, Text, VARIABLES};
use settle_domain::locale::Locale;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub kind: StepKind,
    pub channel: Channel,
    pub locale: Locale,
    pub variant: Variant,
}

impl Key {
    pub fn parse(kind: &str, channel: &str, locale: &str) -> Option<Key> {
        Some(Key {
            kind: StepKind::parse(kind)?,
            channel: Channel::parse(channel).filter(|c| Channel::WRITTEN.contains(c))?,
            locale: Locale::parse(locale)?,
            variant: Variant::A,
        })
    }

    /// The same message in another variant; none for a step whose wording is fixed.
    pub fn with_variant(self, variant: Variant) -> Option<Key> {
        (variant == Variant::A || self.kind.allows_variants()).then_some(Key { variant, ..self })
    }

    /// `?variant=b` for the editor's links and forms; nothing for A.
    pub fn query(self) -> &'static str {
        match self.variant {
            Variant::A => "",
            Variant::B => "?variant=b",
        }
    }
}

fn by_key(tenant_id: i64, k: Key) -> sea_orm::Select<message_template::Entity> {
    message_template::Entity::find()
        .filter(message_template::Column::TenantId.eq(tenant_id))
        .filter(message_template::Column::Kind.eq(k.kind.as_str()))
        .filter(message_template::Column::Channel.eq(k.channel.as_str()))
        .filter(message_template::Column::Locale.eq(k.locale.code()))
        .filter(message_template::Column::Variant.eq(k.variant.as_str()))
}

/// The tenant's active template for a message, if it has one.
pub async fn active<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    k: Key,
) -> ServiceResult<Option<message_template::Model>> {
    Ok(by_key(tenant_id, k)
        .filter(message_template::Column::Active.eq(true))
        .one(db)
        .await?)
}

/// Whether the tenant has an active template of this step kind, language and variant on any
/// channel (the learner offers variant B only then).
pub async fn has_variant<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    kind: StepKind,
    locale: Locale,
    variant: Variant,
) -> ServiceResult<bool> {
    use sea_orm::PaginatorTrait;
    Ok(message_template::Entity::find()
        .filter(message_template::Column::TenantId.eq(tenant_id))
        .filter(message_template::Column::Kind.eq(kind.as_str()))
        .filter(message_template::Column::Locale.eq(locale.code()))
        .filter(message_template::Column::Variant.eq(variant.as_str()))
        .filter(message_template::Column::Active.eq(true))
        .count(db)
        .await?
        > 0)
}

pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    scope: &StaffScope,
) -> ServiceResult<Vec<TemplateRow>> {
    scope.require(Role::Admin)?;
    let active: Vec<message_template::Model> = message_template::Entity::find()
        .filter(message_template::Column::TenantId.eq(scope.tenant_id()))
        .filter(message_template::Column::Active.eq(true))
        .all(db)
        .await?;
    let names = crate::backoffice::staff_names(db, scope.tenant_id()).await?;
    let mut out = Vec::new();
    for kind in StepKind::ALL {
        for channel in Channel::WRITTEN {
            for locale in [Locale::Nl, Locale::De, Locale::En] {
                for variant in Variant::ALL {
                    if variant != Variant::A && !kind.allows_variants() {
                        continue;
                    }
                    let a = active.iter().find(|t| {
                        t.kind == kind.as_str()
                            && t.channel == channel.as_str()
                            && t.locale == locale.code()
                            && t.variant == variant.as_str()
                    });
                    out.push(TemplateRow {
                        kind: kind.as_str().into(),
                        channel: channel.as_str().into(),
                        locale: locale.code().into(),
                        variant: variant.as_str().into(),
                        version: a.map(|t| t.version),
                        author: a.and_then(|t| t.author_id).and_then(|id| names.get(&id).cloned()),
                        at: a.map(|t| local(tenant, t.created_at)),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// A draft as the editor holds it between requests.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Draft {
    pub subject: String,
    pub body: String,
}

pub async fn page<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    scope: &StaffScope,
    k: Key,
    draft: Option<Draft>,
    diff_of: Option<i32>,
) -> ServiceResult<TemplatePageView> {
    scope.require(Role::Admin)?;
    let versions = by_key(scope.tenant_id(), k)
        .order_by_desc(message_template::Column::Version)
        .all(db)
        .await?;
    let names = crate::backoffice::staff_names(db, scope.tenant_id()).await?;
    let current = versions.iter().find(|v| v.active);
    let (subject, body) = match (&draft, current) {
        (Some(d), _) => (d.subject.clone(), d.body.clone()),
        (None, Some(c)) => (c.subject.clone(), c.body.clone()),
        (None, None) => {
            let t = default_source(k.locale, k.kind, k.channel);
            (t.subject, t.body)
        }
    };
    let (errors, preview) = match templates::check(k.channel, k.locale, &subject, &body) {
        Ok(t) => (BTreeMap::new(), Some(t)),
        Err(e) => (e, None),
    };
    let diff = diff_of.and_then(|v| {
        let new = versions.iter().find(|x| x.version == v)?;
        let old = versions.iter().find(|x| x.version < v);
        let old_text = old.map(|o| format!("{}\n\n{}", o.subject, o.body)).unwrap_or_else(|| {
            let t = default_source(k.locale, k.kind, k.channel);
            format!("{}\n\n{}", t.subject, t.body)
        });
        Some((
            old.map_or(0, |o| o.version),
            v,
            diff_lines(&old_text, &format!("{}\n\n{}", new.subject, new.body)),
        ))
    });
    Ok(TemplatePageView {
        kind: k.kind.as_str().into(),
        channel: k.channel.as_str().into(),
        locale: k.locale.code().into(),
        variant: k.variant.as_str().into(),
        subject,
        body,
        is_draft: draft.is_some(),
        active_version: current.map(|c| c.version),
        versions: versions
            .iter()
            .map(|v| VersionRow {
                version: v.version,
                author: v.author_id.and_then(|id| names.get(&id).cloned()).unwrap_or_default(),
                at: local(tenant, v.created_at),
                active: v.active,
            })
            .collect(),
        variables: VARIABLES.iter().map(|(n, d)| (n.to_string(), d.to_string())).collect(),
        errors,
        sms_segments: preview
            .as_ref()
            .filter(|_| k.channel == Channel::Sms)
            .map(|t| settle_domain::sms::segments(&t.body).count),
        preview_subject: preview.as_ref().map(|t| t.subject.clone()),
        preview_text: preview.map(|t| t.body),
        diff,
    })
}

fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    similar::TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|c| DiffLine {
            tag: match c.tag() {
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
                similar::ChangeTag::Equal => ' ',
            },
            text: c.value().trim_end_matches('\n').to_string(),
        })
        .collect()
}

/// Saves a checked draft as the new active version.
pub async fn save(
    db: &DatabaseConnection,
    scope: &StaffScope,
    k: Key,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> ServiceResult<i32> {
    scope.require(Role::Admin)?;
    templates::check(k.channel, k.locale, subject, body).map_err(ServiceError::Invalid)?;
    let tx = db.begin().await?;
    let versions = by_key(scope.tenant_id(), k).all(&tx).await?;
    let before = versions
        .iter()
        .find(|v| v.active)
        .map(|v| (v.subject.clone(), v.body.clone()));
    let version = versions.iter().map(|v| v.version).max().unwrap_or(0) + 1;
    deactivate(&tx, scope.tenant_id(), k).await?;
    message_template::ActiveModel {
        tenant_id: Set(scope.tenant_id()),
        kind: Set(k.kind.as_str().into()),
        channel: Set(k.channel.as_str().into()),
        locale: Set(k.locale.code().into()),
        variant: Set(k.variant.as_str().into()),
        version: Set(version),
        subject: Set(subject.to_string()),
        body: Set(body.to_string()),
        author_id: Set(Some(scope.staff_id())),
        active: Set(true),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await
    .map_err(|e| crate::error::unique_or(e, "template_changed_meanwhile"))?;
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        None,
        &scope.actor(),
        "template_saved",
        json!({
            "kind": k.kind.as_str(), "channel": k.channel.as_str(), "locale": k.locale.code(),
            "variant": k.variant.as_str(), "version": version,
            "before": before.map(|(s, b)| json!({ "subject": s, "body": b })),
            "after": { "subject": subject, "body": body },
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

async fn deactivate<C: ConnectionTrait>(db: &C, tenant_id: i64, k: Key) -> ServiceResult<()> {
    message_template::Entity::update_many()
        .col_expr(message_template::Column::Active, Expr::value(false))
        .filter(message_template::Column::TenantId.eq(tenant_id))
        .filter(message_template::Column::Kind.eq(k.kind.as_str()))
        .filter(message_template::Column::Channel.eq(k.channel.as_str()))
        .filter(message_template::Column::Locale.eq(k.locale.code()))
        .filter(message_template::Column::Variant.eq(k.variant.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Makes an earlier version current again, as a new version (the history stays as it was).
pub async fn rollback(
    db: &DatabaseConnection,
    scope: &StaffScope,
    k: Key,
    version: i32,
    now: DateTime<Utc>,
) -> ServiceResult<i32> {
    scope.require(Role::Admin)?;
    let old = by_key(scope.tenant_id(), k)
        .filter(message_template::Column::Version.eq(version))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    save(db, scope, k, &old.subject, &old.body, now).await
}

/// Back to the shipped wording: no version is active.
pub async fn reset(db: &DatabaseConnection, scope: &StaffScope, k: Key, now: DateTime<Utc>) -> ServiceResult<()> {
    scope.require(Role::Admin)?;
    let tx = db.begin().await?;
    deactivate(&tx, scope.tenant_id(), k).await?;
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        None,
        &scope.actor(),
        "template_reset",
        json!({
            "kind": k.kind.as_str(), "channel": k.channel.as_str(), "locale": k.locale.code(),
            "variant": k.variant.as_str(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The letter as the recipient gets it (PDF), from a checked draft and sample data.
pub async fn preview_pdf(
    tenant: &TenantCtx,
    k: Key,
    subject: &str,
    body: &str,
    today: NaiveDate,
) -> ServiceResult<Vec<u8>> {
    let text = templates::check(k.channel, k.locale, subject, body).map_err(ServiceError::Invalid)?;
    crate::dunning::letters::sample(tenant, k.locale, &text, today).await
}

/// The email as the recipient sees it, from a checked draft and sample data.
pub fn preview_html(tenant: &TenantCtx, k: Key, subject: &str, body: &str) -> ServiceResult<String> {
    let text = templates::check(k.channel, k.locale, subject, body).map_err(ServiceError::Invalid)?;
    let sample = sample_facts(k.locale, k.channel);
    html_email::render(&html_email::HtmlEmail {
        lang: k.locale.code(),
        brand: &tenant.row.brand_primary,
        tenant: &tenant.name,
        subject: &text.subject,
        body: &text.body,
        link: Some(sample.link),
        button: settle_domain::dunning::texts::pay_button(k.locale),
        footer: &tenant.row.legal_footer,
        unsubscribe: None,
        pixel: None,
    })
    .map_err(ServiceError::Internal)
}

/// Sends the draft, rendered with sample data, to the staff member's own address.
pub async fn send_test(
    db: &DatabaseConnection,
    tenant: &TenantCtx,
    scope: &StaffScope,
    k: Key,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    scope.require(Role::Admin)?;
    let Text { subject: s, body: b } =
        templates::check(k.channel, k.locale, subject, body).map_err(ServiceError::Invalid)?;
    let me = staff_user::Entity::find_by_id(scope.staff_id())
        .one(db)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    let subject = if s.is_empty() {
        format!("[test] {}", k.kind.as_str())
    } else {
        format!("[test] {s}")
    };
    crate::outbox::enqueue_email(
        db,
        now,
        crate::outbox::Email {
            tenant_id: tenant.id,
            customer_id: None,
            to: &me.email,
            subject,
            body_text: b,
            dedupe_key: None,
        },
    )
    .await?;
    Ok(())
}
