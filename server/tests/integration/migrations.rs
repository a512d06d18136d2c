//! Migration drift: a fresh database migrates up, down and up again, and every entity reads
//! back from it, on SQLite and Postgres alike.
use crate::support::*;
use settle_core::entities::*;
use settle_core::sea_orm::EntityTrait;
use settle_migrations::{Migrator, MigratorTrait};

#[tokio::test]
async fn migrations_roll_back_and_forward_and_match_the_entities() {
    let app = spawn_app().await;
    let db = &app.state.db;
    Migrator::down(db, None).await.expect("down");
    Migrator::up(db, None).await.expect("up again");
    settle_core::demo::seed(db, start_time()).await.expect("seed again");
    assert_eq!(tenant::Entity::find().all(db).await.unwrap().len(), 2);
    assert_eq!(tenant_host::Entity::find().all(db).await.unwrap().len(), 3);
    assert_eq!(customer::Entity::find().all(db).await.unwrap().len(), 4);
    assert_eq!(portal_account::Entity::find().all(db).await.unwrap().len(), 3);
    assert_eq!(invoice::Entity::find().all(db).await.unwrap().len(), 12);
    assert_eq!(invoice_line::Entity::find().all(db).await.unwrap().len(), 24);
    assert_eq!(one_time_token::Entity::find().all(db).await.unwrap().len(), 2);
    session::Entity::find().all(db).await.unwrap();
    outbox::Entity::find().all(db).await.unwrap();
    audit_event::Entity::find().all(db).await.unwrap();
    assert_eq!(payment_reference::Entity::find().all(db).await.unwrap().len(), 12);
    assert_eq!(payment_setting::Entity::find().all(db).await.unwrap().len(), 2);
    checkout::Entity::find().all(db).await.unwrap();
    checkout_item::Entity::find().all(db).await.unwrap();
    checkout_lock::Entity::find().all(db).await.unwrap();
    payment::Entity::find().all(db).await.unwrap();
    payment_allocation::Entity::find().all(db).await.unwrap();
    provider_event::Entity::find().all(db).await.unwrap();
    refund_task::Entity::find().all(db).await.unwrap();
    statement_import::Entity::find().all(db).await.unwrap();
    outgoing_event::Entity::find().all(db).await.unwrap();
    sandbox_payment::Entity::find().all(db).await.unwrap();
    email_setting::Entity::find().all(db).await.unwrap();
    print_setting::Entity::find().all(db).await.unwrap();
    customer_change::Entity::find().all(db).await.unwrap();
    dispute::Entity::find().all(db).await.unwrap();
    self_service_setting::Entity::find().all(db).await.unwrap();
    callback::Entity::find().all(db).await.unwrap();
    callback_slot::Entity::find().all(db).await.unwrap();
    representative::Entity::find().all(db).await.unwrap();
    payment_plan::Entity::find().all(db).await.unwrap();
    plan_instalment::Entity::find().all(db).await.unwrap();
    plan_invoice::Entity::find().all(db).await.unwrap();
    settle_core::demo_staff::seed(db, &app.state.keys, start_time())
        .await
        .expect("staff");
    assert_eq!(staff_user::Entity::find().all(db).await.unwrap().len(), 3);
    assert_eq!(staff_recovery_code::Entity::find().all(db).await.unwrap().len(), 20);
    staff_note::Entity::find().all(db).await.unwrap();
    // Seeding twice changes nothing.
    settle_core::demo::seed(db, start_time()).await.expect("idempotent");
    settle_core::demo_staff::seed(db, &app.state.keys, start_time())
        .await
        .expect("idempotent");
    assert_eq!(invoice::Entity::find().all(db).await.unwrap().len(), 12);
    assert_eq!(staff_user::Entity::find().all(db).await.unwrap().len(), 3);
    app.cleanup().await;
}
