//! A tenant's dunning plans, read into the domain's types. A plan whose stored steps do not
//! parse or validate is left out (and logged), so a bad edit stops that plan, not the pass.
use crate::entities::{dunning_plan, dunning_step};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use settle_domain::dunning::fees::{FeeRule, InterestRule};
use settle_domain::dunning::segments::{PlanChoice, Segment};
use settle_domain::dunning::steps::{validate, ChannelGroups, Step, StepKind};
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct Plan {
    pub id: i64,
    pub name: String,
    /// Step ids and names, in the order of `steps`.
    pub step_ids: Vec<(i64, String)>,
    pub steps: Vec<Step>,
}

impl Plans {
    /// A step of a plan by its id, with its name; None when the plan or step is gone.
    pub fn step(&self, plan_id: i64, step_id: i64) -> Option<(&str, &Step)> {
        let p = self.by_id.get(&plan_id)?;
        let i = p.step_ids.iter().position(|(id, _)| *id == step_id)?;
        Some((p.step_ids[i].1.as_str(), &p.steps[i]))
    }
}

#[derive(Clone, Debug, Default)]
pub struct Plans {
    pub by_id: HashMap<i64, Plan>,
    pub choices: Vec<PlanChoice>,
}

pub fn parse_step(row: &dunning_step::Model) -> Option<Step> {
    Some(Step {
        position: row.position,
        offset_days: row.offset_days,
        kind: StepKind::parse(&row.kind)?,
        channels: ChannelGroups::parse(&row.channels)?,
        fee: FeeRule::parse(&row.fee)?,
        interest: InterestRule::parse(&row.interest)?,
    })
}

pub async fn load<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<Plans, DbErr> {
    let plans = dunning_plan::Entity::find()
        .filter(dunning_plan::Column::TenantId.eq(tenant_id))
        .all(db)
        .await?;
    let steps = dunning_step::Entity::find()
        .filter(dunning_step::Column::TenantId.eq(tenant_id))
        .order_by_asc(dunning_step::Column::Position)
        .all(db)
        .await?;
    let mut out = Plans::default();
    for p in plans {
        let rows: Vec<&dunning_step::Model> = steps.iter().filter(|s| s.plan_id == p.id).collect();
        let parsed: Option<Vec<Step>> = rows.iter().map(|r| parse_step(r)).collect();
        let (Some(parsed), Some(segment)) = (parsed, Segment::parse(&p.segment)) else {
            tracing::error!(
                plan_id = p.id,
                "dunning plan has a step or segment that does not parse; skipped"
            );
            continue;
        };
        if let Err(e) = validate(&parsed) {
            tracing::error!(plan_id = p.id, error = %e, "dunning plan is invalid; skipped");
            continue;
        }
        out.choices.push(PlanChoice {
            id: p.id,
            priority: p.priority,
            is_default: p.is_default,
            segment,
        });
        out.by_id.insert(
            p.id,
            Plan {
                id: p.id,
                name: p.name,
                step_ids: rows.iter().map(|r| (r.id, r.name.clone())).collect(),
                steps: parsed,
            },
        );
    }
    Ok(out)
}
