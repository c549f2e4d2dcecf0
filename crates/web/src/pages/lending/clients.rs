//! `/clientes`: search, create, detail and edit of borrowers; the client page also takes loan applications.

use super::client_transcript::{ConversationView, conversations, zone_note};
use super::loans::PreviewView;
use super::{Pager, clamped, csv_download, explain, pesos, refusal_of, urlencode};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::catalogue;
use crate::pages::extract::{PageForm, PagePath, PageQuery, blank_is_none};
use crate::pages::flash::{self, Flash};
use crate::pages::form::Form;
use crate::pages::{Chrome, local, render};
use crate::routes::v1::exports::all_pages;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use chrono::NaiveDate;
use credinet_core::ids::ClientId;
use credinet_core::search::loan_number;
use credinet_lending::clients::{
    self, Client, ClientFilter, ClientInput, ClientWarning, OnDuplicate,
};
use credinet_lending::loans::{self, LoanFilter};
use credinet_lending::page::MAX_PAGE_NUMBER;
use credinet_lending::{LendingError, Refusal};
use credinet_lending::{PageRequest, csv, products};
use serde::Deserialize;

const PER_PAGE: u64 = 25;

pub struct Row {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub curp: String,
    pub created: String,
}

#[derive(Template)]
#[template(path = "lending/clients.html")]
struct ClientsPage {
    chrome: Chrome,
    rows: Vec<Row>,
    q: String,
    total: u64,
    pages: Pager,
    /// The loan whose number the search is (id, number, its holder's name): a link straight to it.
    loan: Option<(i64, String, String)>,
    can_write: bool,
    /// The new-client form: empty, or as it was sent and refused.
    form: Form,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    #[serde(default, deserialize_with = "blank_is_none")]
    p: Option<u64>,
}

/// The forms of the client pages, as [`Flash::Refused`] names them.
const NEW_CLIENT_FORM: &str = "cliente";
pub(super) const APPLICATION_FORM: &str = "solicitud";
const EDIT_FORM: &str = "datos";
pub(super) const PIN_FORM: &str = "pin";

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    jar: CookieJar,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    let (jar, flash) = flash::take(&state, &staff, jar, "/clientes");
    let form = match flash {
        Some(Flash::Refused { form, typed }) if form == NEW_CLIENT_FORM => typed,
        _ => Form::default(),
    };
    let page = list_page(&state, &staff, q, form, StatusCode::OK).await?;
    Ok((jar, page).into_response())
}

async fn list_page(
    state: &AppState,
    staff: &Staff,
    q: ListQuery,
    form: Form,
    status: StatusCode,
) -> Result<Response, PageError> {
    let asked = q.p.unwrap_or(1).clamp(1, MAX_PAGE_NUMBER);
    let filter = ClientFilter {
        search: q.q.clone().filter(|s| !s.trim().is_empty()),
    };
    let (current, page) = clamped(asked, PER_PAGE, |n| {
        clients::list(
            state.store(),
            staff.tenant.id,
            &filter,
            PageRequest::number(n, PER_PAGE),
        )
    })
    .await
    .map_err(|e| PageError::BadRequest(explain(e).unwrap_or_default()))?;
    let loan = match filter.search.as_deref().and_then(loan_number) {
        Some(number) => found_loan(state, staff, &number).await,
        None => None,
    };
    let rows = page.items.into_iter().map(|c| row(staff, c)).collect();
    let searched = q.q.unwrap_or_default();
    let view = ClientsPage {
        chrome: Chrome::new(staff, "/clientes"),
        rows,
        total: page.total,
        pages: Pager::new(
            format!("/clientes?q={}&p=", urlencode(&searched)),
            page.total,
            PER_PAGE,
            current,
        )
        .asked(asked),
        q: searched,
        loan,
        can_write: staff.role.can_manage_clients(),
        form,
    };
    render(&view).map(|r| (status, r).into_response())
}

/// The loan a search names by its number, with its holder: the top bar's search finds loans this way.
async fn found_loan(
    state: &AppState,
    staff: &Staff,
    number: &str,
) -> Option<(i64, String, String)> {
    let loan = loans::by_number(state.store(), staff.tenant.id, number)
        .await
        .ok()?;
    let holder = clients::get(state.store(), staff.tenant.id, loan.client_id)
        .await
        .map(|c| c.full_name)
        .unwrap_or_default();
    Some((loan.id.get(), loan.number, holder))
}

fn row(staff: &Staff, c: Client) -> Row {
    Row {
        id: c.id.get(),
        name: c.full_name,
        phone: c.phone.grouped(),
        curp: c.curp.map(|v| v.as_str().to_string()).unwrap_or_default(),
        created: local(staff, c.created_at),
    }
}

#[derive(Deserialize, Clone)]
pub struct ClientForm {
    full_name: String,
    phone: String,
    #[serde(default)]
    curp: String,
    #[serde(default)]
    rfc: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    notes: String,
    /// `registrar` when the person saw that another client has this phone or CURP and chose
    /// «Registrar de todas formas».
    #[serde(default)]
    duplicate: String,
}

impl ClientForm {
    /// The form as it was typed, to show it again when it is refused.
    fn typed(&self) -> Form {
        Form::with([
            ("full_name", self.full_name.as_str()),
            ("phone", &self.phone),
            ("curp", &self.curp),
            ("rfc", &self.rfc),
            ("birth_date", &self.birth_date),
            ("address", &self.address),
            ("notes", &self.notes),
        ])
    }

    /// The form of a saved client, to edit it.
    fn of(client: &Client) -> Form {
        Form::with([
            ("full_name", client.full_name.clone()),
            ("phone", client.phone.grouped()),
            (
                "curp",
                client
                    .curp
                    .as_ref()
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default(),
            ),
            (
                "rfc",
                client
                    .rfc
                    .as_ref()
                    .map(|r| r.as_str().to_string())
                    .unwrap_or_default(),
            ),
            (
                "birth_date",
                client.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("address", client.address.clone().unwrap_or_default()),
            ("notes", client.notes.clone().unwrap_or_default()),
        ])
    }

    fn input(self) -> Result<ClientInput, Form> {
        let birth_date = match self.birth_date.trim() {
            "" => None,
            raw => Some(NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
                self.typed().refused(
                    Some("birth_date"),
                    "La fecha de nacimiento no es una fecha válida.".to_string(),
                )
            })?),
        };
        let some = |s: String| Some(s).filter(|v| !v.trim().is_empty());
        Ok(ClientInput {
            full_name: self.full_name,
            phone: self.phone,
            curp: some(self.curp),
            rfc: some(self.rfc),
            birth_date,
            address: some(self.address),
            notes: some(self.notes),
        })
    }
}

pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    PageForm(form): PageForm<ClientForm>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_manage_clients(), "registrar clientes")?;
    let typed = form.typed();
    let on_duplicate = if form.duplicate == "registrar" {
        OnDuplicate::Register
    } else {
        OnDuplicate::Refuse
    };
    let failed = async |form: Form| {
        let refusal = Flash::Refused {
            form: NEW_CLIENT_FORM.into(),
            typed: form,
        };
        match flash::redirect(&state, &staff, "/clientes", &refusal) {
            Some(redirect) => Ok(redirect),
            None => {
                let Flash::Refused { typed, .. } = refusal else {
                    unreachable!("built just above")
                };
                let (q, status) = (ListQuery::default(), StatusCode::UNPROCESSABLE_ENTITY);
                list_page(&state, &staff, q, typed, status).await
            }
        }
    };
    let input = match form.input() {
        Ok(input) => input,
        Err(refused) => return failed(refused).await,
    };
    let (store, tenant, by) = (state.store(), staff.tenant.id, staff.requester());
    match clients::create_with(store, tenant, input, on_duplicate, by).await {
        Ok(saved) => Ok(saved_client(
            &state,
            &staff,
            saved.client.id,
            &saved.warnings,
            "Cliente registrado.",
        )),
        Err(e) => {
            // A duplicate is shown with a link to the other client and the choice to register anyway.
            let typed = match &e {
                LendingError::Refused(Refusal::DuplicateClient { other, name, .. }) => {
                    typed.also([
                        ("duplicate_of", other.to_string()),
                        ("duplicate_name", name.clone()),
                    ])
                }
                _ => typed,
            };
            let (field, message) = refusal_of(e)?;
            failed(typed.refused(field, message)).await
        }
    }
}

pub struct LoanRow {
    pub id: i64,
    pub number: String,
    pub status: &'static str,
    pub principal: String,
    pub outstanding: String,
}

#[derive(Template)]
#[template(path = "lending/client.html")]
struct ClientPage {
    chrome: Chrome,
    client: Client,
    birth_date: String,
    loans: Vec<LoanRow>,
    products: Vec<(i64, String)>,
    notice: Option<String>,
    warnings: Vec<String>,
    /// The loan application form: empty, or as it was sent and refused.
    apply: Form,
    /// The client's data to edit: the saved data, or what was sent and refused.
    edit: Form,
    /// The assistant PIN form: always empty (a PIN is never shown), with its refusal if it had one.
    pin: Form,
    /// The client's WhatsApp conversations, most recent first, and the zone their times are in.
    conversations: Vec<ConversationView>,
    zone_note: String,
    can_write: bool,
    /// The application as typed, computed by «Calcular» (nothing stored).
    preview: Option<PreviewView>,
}

/// After saving a client: its page, which says once that it was saved, or the warnings to read now (a
/// bad RFC check digit…).
fn saved_client(
    state: &AppState,
    staff: &Staff,
    id: ClientId,
    warnings: &[ClientWarning],
    notice: &str,
) -> Response {
    let flash = if warnings.is_empty() {
        Flash::Notice(notice.into())
    } else {
        Flash::Warnings(warnings.iter().map(catalogue::client_warning).collect())
    };
    flash::redirect_with(state, staff, &format!("/clientes/{id}"), flash)
}

/// After a refused form on the client page: back to it with what was typed. A flash too large for its
/// cookie is answered in place instead.
pub(super) async fn refused(
    state: &AppState,
    staff: &Staff,
    id: ClientId,
    refusal: Flash,
) -> Result<Response, PageError> {
    match flash::redirect(state, staff, &format!("/clientes/{id}"), &refusal) {
        Some(redirect) => Ok(redirect),
        None => {
            client_page(
                state,
                staff,
                id,
                Some(refusal),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// The client page, saying once what the redirect that led here carried (post/redirect/get).
pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    jar: CookieJar,
    PagePath(id): PagePath<ClientId>,
) -> Result<Response, PageError> {
    let (jar, flash) = flash::take(&state, &staff, jar, &format!("/clientes/{id}"));
    let page = client_page(&state, &staff, id, flash, None, StatusCode::OK).await?;
    Ok((jar, page).into_response())
}

pub(crate) fn not_found(e: credinet_lending::LendingError) -> PageError {
    match explain(e) {
        Ok(message) => PageError::BadRequest(message),
        Err(page_error) => page_error,
    }
}

pub(super) async fn client_page(
    state: &AppState,
    staff: &Staff,
    id: ClientId,
    flash: Option<Flash>,
    preview: Option<PreviewView>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let client = clients::get(state.store(), staff.tenant.id, id)
        .await
        .map_err(not_found)?;
    let filter = LoanFilter {
        client: Some(id),
        ..Default::default()
    };
    let loans = loans::list(
        state.store(),
        staff.tenant.id,
        &filter,
        PageRequest::number(1, 100),
    )
    .await
    .map_err(not_found)?
    .items
    .into_iter()
    .map(|item| LoanRow {
        id: item.loan.id.get(),
        number: item.loan.number.clone(),
        status: item.loan.status.label_es(),
        principal: pesos(item.loan.principal),
        outstanding: pesos(item.loan.outstanding),
    })
    .collect();
    let products = products::list(state.store(), staff.tenant.id, true)
        .await
        .map_err(not_found)?
        .into_iter()
        .map(|p| (p.id.get(), super::products::offer_es(&p)))
        .collect();
    let conversations = conversations(state, staff, id).await?;
    let (mut notice, mut warnings, mut apply, mut edit, mut pin) = (
        None,
        Vec::new(),
        Form::default(),
        ClientForm::of(&client),
        Form::default(),
    );
    match flash {
        Some(Flash::Notice(message)) => notice = Some(message),
        Some(Flash::Warnings(said)) => warnings = said,
        Some(Flash::Refused { form, typed }) if form == APPLICATION_FORM => apply = typed,
        Some(Flash::Refused { form, typed }) if form == EDIT_FORM => edit = typed,
        Some(Flash::Refused { form, typed }) if form == PIN_FORM => pin = typed,
        _ => {}
    }
    let view = ClientPage {
        chrome: Chrome::new(staff, "/clientes"),
        birth_date: client
            .birth_date
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
        client,
        loans,
        products,
        notice,
        warnings,
        apply,
        edit,
        pin,
        conversations,
        zone_note: zone_note(staff, state.store().now()),
        can_write: staff.role.can_manage_clients(),
        preview,
    };
    render(&view).map(|r| (status, r).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<ClientId>,
    PageForm(form): PageForm<ClientForm>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_manage_clients(), "modificar clientes")?;
    let typed = form.typed();
    let failed = |form: Form| {
        let refusal = Flash::Refused {
            form: EDIT_FORM.into(),
            typed: form,
        };
        refused(&state, &staff, id, refusal)
    };
    let input = match form.input() {
        Ok(input) => input,
        Err(refused) => return failed(refused).await,
    };
    match clients::update(state.store(), staff.tenant.id, id, input, staff.requester()).await {
        Ok(saved) => Ok(saved_client(
            &state,
            &staff,
            id,
            &saved.warnings,
            "Datos del cliente guardados.",
        )),
        Err(e) => {
            let (field, message) = refusal_of(e)?;
            failed(typed.refused(field, message)).await
        }
    }
}

pub async fn export(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<ListQuery>,
    PageQuery(format): PageQuery<super::ExportFormat>,
) -> Result<Response, PageError> {
    let filter = ClientFilter {
        search: q.q.filter(|s| !s.trim().is_empty()),
    };
    let rows = all_pages(|p| clients::list(state.store(), staff.tenant.id, &filter, p))
        .await
        .map_err(not_found)?;
    Ok(csv_download(
        "clientes.csv",
        csv::clients_sheet(&rows).write(format.reader(&staff)),
    ))
}
